using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.LoadGen.Net;

/// <summary>
/// The TLS set-up of the <c>wss</c> rows: one self-signed ECDSA P-256 certificate for <see cref="Domain"/>
/// (plus 127.0.0.1), served by the relay (<c>--tls-cert-file</c>), by nginx to the phones and by the echo to
/// nginx, so every TLS hop of both targets uses the same key and the same negotiation.
/// </summary>
internal static class BenchTls
{
    /// <summary>The name the clients send as SNI and Host (the relay's <c>--domain</c>).</summary>
    public const string Domain = "relay.bench.test";

    /// <summary>Writes <c>cert.pem</c> and <c>key.pem</c> (PKCS#8) into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Cert, string Key) WritePem(string directory)
    {
        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Domain}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(Domain);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return (certPath, keyPath);
    }
}
