using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>Writes a self-signed ECDSA certificate and key as world-readable PEM files.</summary>
[SupportedOSPlatform("linux")]
internal static class TestCertificate
{
    public static (string CertPath, string KeyPath) WriteSelfSigned(string dir, string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(dir, "c.pem");
        var keyPath = Path.Combine(dir, "k.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(certPath, Readable);
        File.SetUnixFileMode(keyPath, Readable);
        return (certPath, keyPath);
    }
}
