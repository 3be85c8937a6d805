using System.Security.Cryptography;

namespace PyrycodeRelay.Tls;

/// <summary>
/// The ACME cache layout, compatible with Go's autocert <c>DirCache</c>: a file named exactly as the domain
/// holding the PEM private key followed by the PEM chain, and <c>acme_account+key</c> holding the account key.
/// Files are written atomically (temporary file, then rename) with mode 0600.
/// </summary>
internal static class CertCacheFiles
{
    /// <summary>The account key file name.</summary>
    public const string AccountKeyName = "acme_account+key";

    /// <summary>Reads the account key (ECDSA P-256, SEC1 or PKCS#8 PEM), or null when the file is absent.</summary>
    public static ECDsa? ReadAccountKey(string dir)
    {
        var path = Path.Combine(dir, AccountKeyName);
        if (!File.Exists(path))
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new CryptographicException("account key is not ECDSA P-256");
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Writes the account key as SEC1 PEM (<c>EC PRIVATE KEY</c>), mode 0600.</summary>
    public static void WriteAccountKey(string dir, ECDsa key) =>
        WriteFile(Path.Combine(dir, AccountKeyName), key.ExportECPrivateKeyPem() + "\n");

    /// <summary>
    /// Reads the cached certificate for <paramref name="domain"/>; null when absent, unreadable, not for the
    /// domain, or expired at <paramref name="now"/> (such a file is replaced by the next issuance).
    /// </summary>
    public static ServedCertificate? ReadCertificate(string dir, string domain, DateTimeOffset now)
    {
        var path = Path.Combine(dir, FileName(domain));
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var pem = File.ReadAllText(path);
            var served = PemCertificateLoader.Load(pem, pem);
            if (!served.Leaf.MatchesHostname(domain) || now < served.NotBefore || now >= served.NotAfter)
            {
                return null;
            }

            return served;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException
            or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Writes key PEM followed by the chain PEM to the domain file, mode 0600.</summary>
    public static void WriteCertificate(string dir, string domain, ECDsa key, string chainPem)
    {
        var chain = chainPem.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!chain.EndsWith('\n'))
        {
            chain += "\n";
        }

        WriteFile(Path.Combine(dir, FileName(domain)), key.ExportECPrivateKeyPem() + "\n" + chain);
    }

    /// <summary>The cache file name for a domain: the domain itself, with path separators neutralised.</summary>
    public static string FileName(string domain)
    {
        var name = domain.Replace('/', '_').Replace('\\', '_');
        return name is "." or ".." ? "_" + name : name;
    }

    private static void WriteFile(string path, string contents)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(contents);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
