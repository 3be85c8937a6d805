namespace PyrycodeRelay.Startup;

/// <summary>
/// Everything the boot checks read from the process environment, behind one seam so the checks can be
/// tested without depending on the machine (tests run as root with every capability).
/// </summary>
internal interface IBootEnvironment
{
    /// <summary>The value of an environment variable; null when unset, <c>""</c> when set to the empty string.</summary>
    string? GetEnvironmentVariable(string name);

    /// <summary>The effective user id; null on platforms without uids (Windows).</summary>
    int? EffectiveUid { get; }

    /// <summary>The operating system in Go's <c>GOOS</c> spelling: <c>linux</c>, <c>windows</c>, <c>darwin</c>, <c>freebsd</c>, ….</summary>
    string OperatingSystem { get; }

    /// <summary>The text of <c>/proc/self/status</c> (Linux). Throws <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>) when it cannot be read.</summary>
    string ReadProcSelfStatus();
}
