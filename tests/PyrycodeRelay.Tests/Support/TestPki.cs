using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// The test certificates: a throw-away CA issuing leaf certificates (written as PEM files by the tests, see
/// <see cref="StaticCerts"/>), and <see cref="RelayTest"/>, one self-signed server certificate for <c>relay.test</c>
/// with its private key, for Kestrel listeners built by hand.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private static readonly Lazy<X509Certificate2> RelayTestInstance = new(() => SelfSigned("relay.test"));

    public TestPki(string name = "Test Root")
    {
        RootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + name, RootKey, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        Root = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
    }

    public ECDsa RootKey { get; }

    public X509Certificate2 Root { get; }

    public string RootPem => Root.ExportCertificatePem() + "\n";

    /// <summary>Issues a leaf for the DNS names / IPs with the given key (ECDSA P-256 when null).</summary>
    public (X509Certificate2 Cert, AsymmetricAlgorithm Key) Issue(string[] dnsNames, string[]? ips = null,
        AsymmetricAlgorithm? key = null)
    {
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = key switch
        {
            ECDsa ec => new CertificateRequest("CN=" + dnsNames[0], ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest("CN=" + dnsNames[0], rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("unsupported key type", nameof(key)),
        };
        var san = new SubjectAlternativeNameBuilder();
        foreach (var d in dnsNames)
        {
            san.AddDnsName(d);
        }

        foreach (var ip in ips ?? [])
        {
            san.AddIpAddress(System.Net.IPAddress.Parse(ip));
        }

        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        var cert = req.Create(Root.SubjectName, X509SignatureGenerator.CreateForECDsa(RootKey),
            DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        return (cert, key);
    }

    /// <summary>A self-signed server certificate for <c>relay.test</c> with its private key (generated once per run).</summary>
    public static X509Certificate2 RelayTest => RelayTestInstance.Value;

    /// <summary>A self-signed server certificate for <paramref name="dnsName"/> with its private key, usable by Kestrel and SslStream.</summary>
    public static X509Certificate2 SelfSigned(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    }

    /// <summary>The PEM of <paramref name="key"/> in <paramref name="format"/> (<c>pkcs8</c>, <c>sec1</c>, <c>pkcs1</c>).</summary>
    public static string KeyPem(AsymmetricAlgorithm key, string format) => (key, format) switch
    {
        (_, "pkcs8") => key.ExportPkcs8PrivateKeyPem(),
        (ECDsa ec, "sec1") => ec.ExportECPrivateKeyPem(),
        (RSA rsa, "pkcs1") => rsa.ExportRSAPrivateKeyPem(),
        _ => throw new ArgumentException(format),
    } + "\n";

    public void Dispose()
    {
        Root.Dispose();
        RootKey.Dispose();
    }
}
