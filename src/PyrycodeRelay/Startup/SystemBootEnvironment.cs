using System.Runtime.InteropServices;

namespace PyrycodeRelay.Startup;

/// <summary>The real process environment.</summary>
public sealed class SystemBootEnvironment : IBootEnvironment
{
    /// <summary>The single instance.</summary>
    public static SystemBootEnvironment Instance { get; } = new();

    private SystemBootEnvironment()
    {
    }

    /// <inheritdoc />
    public string? GetEnvironmentVariable(string name) => Environment.GetEnvironmentVariable(name);

    /// <inheritdoc />
    public int? EffectiveUid => OperatingSystem == "windows" ? null : (int)NativeMethods.GetEffectiveUid();

    /// <inheritdoc />
    public string OperatingSystem { get; } = DetectOperatingSystem();

    /// <inheritdoc />
    public string ReadProcSelfStatus() => File.ReadAllText("/proc/self/status");

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
