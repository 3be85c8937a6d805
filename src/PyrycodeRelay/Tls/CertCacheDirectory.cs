using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tls;

/// <summary>The cert-cache directory rules of docs/operations.md#cert-cache-directory, applied at boot step 20t.</summary>
internal static class CertCacheDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Checks (creating or tightening where the rules say so) the cache directory. Returns null when it is
    /// usable, else the exact <c>err</c> text for ERROR <c>autocert setup failed</c>.
    /// </summary>
    public static string? Prepare(string domain, string dir, ILogger logger)
    {
        if (string.IsNullOrEmpty(domain) || string.IsNullOrEmpty(dir))
        {
            return "relay: domain and cert cache directory required";
        }

        if (!UnixFileStatus.TryGet(dir, out var status, out var notFound, out var detail))
        {
            return notFound ? Create(dir) : $"relay: stat cert cache dir {dir}: {detail}";
        }

        if (!status.IsDirectory)
        {
            return $"relay: cert cache path is not a directory: {dir}";
        }

        if (OperatingSystem.IsWindows() || (status.Permissions & 0x3F) == 0)
        {
            return null;
        }

        var euid = UnixFileStatus.EffectiveUid();
        if (!OperatingSystem.IsLinux() || status.OwnerUid is null || euid is null || status.OwnerUid != euid)
        {
            return "relay: cert cache dir has insecure permissions (must be 0700): " + dir + " (mode "
                + Convert.ToString(status.Permissions, 8) + ")";
        }

        try
        {
            File.SetUnixFileMode(dir, OwnerOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"relay: tightening cert cache dir {dir}: {e.Message}";
        }

        var from = "0" + Convert.ToString(status.Permissions, 8);
        TlsLog.TightenedCertCacheDirPerms(logger, dir, from, "0700");
        return null;
    }

    private static string? Create(string dir)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(dir);
            }
            else
            {
                // Like Go's MkdirAll(dir, 0700): every directory created on the way gets 0700.
                var missing = new Stack<string>();
                for (var p = Path.GetFullPath(dir); !Directory.Exists(p); p = Path.GetDirectoryName(p)!)
                {
                    missing.Push(p);
                }

                while (missing.TryPop(out var p))
                {
                    Directory.CreateDirectory(p, OwnerOnly);
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"relay: creating cert cache dir {dir}: {e.Message}";
        }
    }
}
