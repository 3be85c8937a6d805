using PyrycodeRelay.Tests.Configuration;
using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tests.Tls.Acme;

public sealed class AcmeProtocolTests
{
    [Fact]
    public void Jwk_thumbprint_is_rfc7638_sha256_of_the_canonical_json()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.EncodeToString(p.Q.X)}\",\"y\":\"{Base64Url.EncodeToString(p.Q.Y)}\"}}";
        var expected = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        Assert.Equal(expected, AcmeJwk.Thumbprint(key));
        Assert.Equal("tok-123." + expected, AcmeJwk.KeyAuthorization("tok-123", key));
        Assert.Equal(43, expected.Length);
    }

    [Fact]
    public void Jwk_rejects_a_non_p256_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => AcmeJwk.Thumbprint(key));
    }

    [Fact]
    public void Jws_with_jwk_is_a_valid_es256_signature_over_protected_and_payload()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var url = new Uri("https://acme.test/new-acct");
        var body = AcmeJws.Sign(key, url, "nonce-1", kid: null, "{\"termsOfServiceAgreed\":true}"u8.ToArray());
        using var doc = JsonDocument.Parse(body);
        var prot = doc.RootElement.GetProperty("protected").GetString()!;
        var payload = doc.RootElement.GetProperty("payload").GetString()!;
        var sig = Base64Url.DecodeFromChars(doc.RootElement.GetProperty("signature").GetString()!);
        Assert.Equal(64, sig.Length);
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(prot + "." + payload), sig, HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(prot));
        var h = header.RootElement;
        Assert.Equal("ES256", h.GetProperty("alg").GetString());
        Assert.Equal("nonce-1", h.GetProperty("nonce").GetString());
        Assert.Equal("https://acme.test/new-acct", h.GetProperty("url").GetString());
        Assert.Equal("EC", h.GetProperty("jwk").GetProperty("kty").GetString());
        Assert.Equal("P-256", h.GetProperty("jwk").GetProperty("crv").GetString());
        Assert.False(h.TryGetProperty("kid", out _));
        Assert.Equal("{\"termsOfServiceAgreed\":true}", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(payload)));
    }

    [Fact]
    public void Jws_with_kid_and_post_as_get_has_an_empty_payload()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = AcmeJws.Sign(key, new Uri("https://acme.test/order/1"), "n2", "https://acme.test/acct/7", null);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("", doc.RootElement.GetProperty("payload").GetString());
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(doc.RootElement.GetProperty("protected").GetString()!));
        Assert.Equal("https://acme.test/acct/7", header.RootElement.GetProperty("kid").GetString());
        Assert.False(header.RootElement.TryGetProperty("jwk", out _));
    }

    [Fact]
    public void Csr_has_one_dns_san_a_p256_key_and_a_valid_signature()
    {
        using var key = AcmeCsr.NewCertificateKey();
        var der = AcmeCsr.Build("relay.test", key);
        var csr = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256,
            CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=relay.test", csr.SubjectName.Name);
        var raw = Assert.Single(csr.CertificateExtensions, e => e.Oid?.Value == "2.5.29.17");
        var san = new X509SubjectAlternativeNameExtension(raw.RawData);
        Assert.Equal(["relay.test"], san.EnumerateDnsNames());
        Assert.Empty(san.EnumerateIPAddresses());
        using var pub = csr.PublicKey.GetECDsaPublicKey()!;
        Assert.Equal(256, pub.KeySize);
    }

    [Fact]
    public void Poll_delay_respects_retry_after_within_bounds()
    {
        var o = DefaultOptions.Acme with
        {
            PollInterval = TimeSpan.FromSeconds(1), MinPollDelay = TimeSpan.FromMilliseconds(250),
            MaxPollDelay = TimeSpan.FromSeconds(30),
        };
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(TimeSpan.FromSeconds(1), AcmeClient.PollDelay(null, now, o));
        Assert.Equal(TimeSpan.FromSeconds(7), AcmeClient.PollDelay(new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), now, o));
        Assert.Equal(TimeSpan.FromSeconds(30), AcmeClient.PollDelay(new RetryConditionHeaderValue(TimeSpan.FromHours(2)), now, o));
        Assert.Equal(TimeSpan.FromMilliseconds(250), AcmeClient.PollDelay(new RetryConditionHeaderValue(TimeSpan.Zero), now, o));
        Assert.Equal(TimeSpan.FromSeconds(12),
            AcmeClient.PollDelay(new RetryConditionHeaderValue(now.AddSeconds(12)), now, o));
    }
}
