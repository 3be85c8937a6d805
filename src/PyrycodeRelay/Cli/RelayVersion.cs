using System.Reflection;

namespace PyrycodeRelay.Cli;

/// <summary>
/// The relay's version string, as printed by <c>--version</c> and reported in <c>/healthz</c> and the
/// <c>starting</c> log line: the assembly's informational version without a <c>+commit</c> suffix, or
/// <c>dev</c> when the build set none; and the commit it was built from (<see cref="Commit"/>).
/// </summary>
internal static class RelayVersion
{
    /// <summary>What <see cref="Commit"/> is when the build knew no commit (built outside a git checkout).</summary>
    public const string UnknownCommit = "unknown";

    private static readonly string? Informational =
        typeof(RelayVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>The version of this build.</summary>
    public static string Current { get; } = FromInformationalVersion(Informational);

    /// <summary>
    /// The commit this build was made from: the SDK's <c>SourceRevisionId</c> (git HEAD at build time, appended to the
    /// informational version as <c>+sha</c>), or <c>-p:SourceRevisionId=…</c>; <see cref="UnknownCommit"/> without either.
    /// </summary>
    public static string Commit { get; } = CommitFromInformationalVersion(Informational);

    /// <summary>The <c>--version</c> line: <c>0.1.0 (commit 0123abcd…)</c>.</summary>
    public static string Line => $"{Current} (commit {Commit})";

    /// <summary>The build metadata after <c>+</c> (trimmed), or <see cref="UnknownCommit"/> when there is none.</summary>
    public static string CommitFromInformationalVersion(string? informationalVersion)
    {
        var plus = informationalVersion?.IndexOf('+', StringComparison.Ordinal) ?? -1;
        var commit = plus >= 0 ? informationalVersion![(plus + 1)..].Trim() : "";
        return commit.Length == 0 ? UnknownCommit : commit;
    }

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
