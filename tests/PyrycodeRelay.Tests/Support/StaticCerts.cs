using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Static certificate files for <c>--tls-cert-file</c>/<c>--tls-key-file</c>: a throw-away CA and leaves for one
/// domain, all with the same key, so the certificate file alone can be swapped atomically (rename).
/// </summary>
internal sealed class StaticCerts : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly bool _readableByAll;

    /// <param name="domain">The name the leaves are issued for.</param>
    /// <param name="readableByAll">
    /// Directory 0755 and files 0644 whatever the umask, for a relay run as another user (uid 65534).
    /// </param>
    public StaticCerts(string domain, bool readableByAll = false)
    {
        Domain = domain;
        _readableByAll = readableByAll;
        Pki = new TestPki("Test Static Root");
        if (readableByAll && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);
        }

        Write(KeyFile, TestPki.KeyPem(_key, "pkcs8"));
        Current = Issue();
        Write(CertFile, Current.ExportCertificatePem() + "\n");
    }

    public string Domain { get; }

    public TestPki Pki { get; }

    public X509Certificate2 Root => Pki.Root;

    public string CertFile => _dir.File("c.pem");

    public string KeyFile => _dir.File("k.pem");

    /// <summary>The certificate currently in <see cref="CertFile"/> (or last written there before garbage).</summary>
    public X509Certificate2 Current { get; private set; }

    /// <summary>A new leaf for <see cref="Domain"/> with the same key (a different serial and thumbprint).</summary>
    public X509Certificate2 Issue() => Pki.Issue([Domain], key: _key).Cert;

    /// <summary>Replaces the certificate file atomically with <paramref name="cert"/>.</summary>
    public void Replace(X509Certificate2 cert)
    {
        Write(CertFile, cert.ExportCertificatePem() + "\n");
        Current = cert;
    }

    /// <summary>Replaces the certificate file atomically with bytes that are not PEM.</summary>
    public void Garbage() => Write(CertFile, "this is not a certificate\n");

    private void Write(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        if (_readableByAll && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, (UnixFileMode)0b110_100_100);
        }

        File.Move(temp, path, overwrite: true);
    }

    public void Dispose()
    {
        Pki.Dispose();
        _key.Dispose();
        _dir.Dispose();
    }
}
