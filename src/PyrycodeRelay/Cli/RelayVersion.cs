using System.Reflection;

namespace PyrycodeRelay.Cli;

/// <summary>
/// The relay's version string, as printed by <c>--version</c> and reported in <c>/healthz</c> and the
/// <c>starting</c> log line: the assembly's informational version without a <c>+commit</c> suffix, or
/// <c>dev</c> when the build set none.
/// </summary>
internal static class RelayVersion
{
    /// <summary>The version of this build.</summary>
    public static string Current { get; } = FromInformationalVersion(
        typeof(RelayVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>Strips build metadata (<c>+…</c>) and surrounding blanks; empty or missing → <c>dev</c>.</summary>
    public static string FromInformationalVersion(string? informationalVersion)
    {
        if (informationalVersion is null)
        {
            return "dev";
        }

        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        var version = (plus >= 0 ? informationalVersion[..plus] : informationalVersion).Trim();
        return version.Length == 0 ? "dev" : version;
    }
}
