using System.Globalization;
using System.Runtime.InteropServices;

namespace PyrycodeRelay.Startup;

/// <summary>The real process environment.</summary>
internal sealed class SystemBootEnvironment : IBootEnvironment
{
    /// <summary>The single instance.</summary>
    public static SystemBootEnvironment Instance { get; } = new();

    private SystemBootEnvironment()
    {
    }

    /// <inheritdoc />
    public string? GetEnvironmentVariable(string name) => Environment.GetEnvironmentVariable(name);

    /// <inheritdoc />
    public int? EffectiveUid => OperatingSystem switch
    {
        "windows" => null,
        "linux" => LinuxEffectiveUid() ?? NativeEffectiveUid(),
        _ => NativeEffectiveUid(),
    };

    /// <inheritdoc />
    public string OperatingSystem { get; } = DetectOperatingSystem();

    /// <inheritdoc />
    public string ReadProcSelfStatus() => File.ReadAllText("/proc/self/status");

    /// <summary>The effective uid from the <c>Uid:</c> line of a <c>/proc/&lt;pid&gt;/status</c> text (second number), or null.</summary>
    internal static int? ParseEffectiveUid(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["Uid:".Length..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
        }

        return null;
    }

    // Linux: no native call needed (and no dependence on how "libc" resolves in a minimal image).
    private static int? LinuxEffectiveUid()
    {
        try
        {
            return ParseEffectiveUid(File.ReadAllText("/proc/self/status"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Other Unix systems: geteuid(2); if libc cannot be loaded, only "is root" is knowable.
    private static int? NativeEffectiveUid()
    {
        try
        {
            return (int)NativeMethods.GetEffectiveUid();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return Environment.IsPrivilegedProcess ? 0 : null;
        }
    }

    private static string DetectOperatingSystem()
    {
        if (System.OperatingSystem.IsLinux())
        {
            return "linux";
        }

        if (System.OperatingSystem.IsWindows())
        {
            return "windows";
        }

        if (System.OperatingSystem.IsMacOS() || System.OperatingSystem.IsMacCatalyst())
        {
            return "darwin";
        }

        if (System.OperatingSystem.IsFreeBSD())
        {
            return "freebsd";
        }

        if (System.OperatingSystem.IsAndroid())
        {
            return "android";
        }

        if (System.OperatingSystem.IsIOS() || System.OperatingSystem.IsTvOS())
        {
            return "ios";
        }

        return RuntimeInformation.IsOSPlatform(OSPlatform.Create("ILLUMOS")) ? "illumos"
            : RuntimeInformation.IsOSPlatform(OSPlatform.Create("SOLARIS")) ? "solaris"
            : "unknown";
    }
}
