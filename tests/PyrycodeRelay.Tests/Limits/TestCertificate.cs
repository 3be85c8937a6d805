using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>A self-signed server certificate for <c>relay.test</c>, generated once per test run.</summary>
internal static class TestCertificate
{
    private static readonly Lazy<X509Certificate2> Instance = new(Create);

    public static X509Certificate2 Server => Instance.Value;

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=relay.test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("relay.test");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    }
}
