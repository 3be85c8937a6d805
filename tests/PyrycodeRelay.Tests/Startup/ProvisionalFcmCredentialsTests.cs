using System.Security.Cryptography;
using System.Text.Json;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class ProvisionalFcmCredentialsTests
{
    internal static string Key(string? type = "service_account", string email = "relay@p.iam.gserviceaccount.com", string? pem = null)
    {
        if (pem is null)
        {
            using var rsa = RSA.Create(2048);
            pem = rsa.ExportPkcs8PrivateKeyPem();
        }

        return JsonSerializer.Serialize(new Dictionary<string, string?> { ["type"] = type, ["client_email"] = email, ["private_key"] = pem });
    }

    [Fact]
    public void Accepts_pkcs8_and_pkcs1_rsa_keys()
    {
        Assert.True(ProvisionalFcmCredentials.IsValid(Key()));
        using var rsa = RSA.Create(2048);
        Assert.True(ProvisionalFcmCredentials.IsValid(Key(pem: rsa.ExportRSAPrivateKeyPem())));
    }

    [Fact]
    public void Rejects_everything_else()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(ProvisionalFcmCredentials.IsValid(""));
        Assert.False(ProvisionalFcmCredentials.IsValid("MARKER {"));
        Assert.False(ProvisionalFcmCredentials.IsValid("{\"type\":\"MARKER\"}"));
        Assert.False(ProvisionalFcmCredentials.IsValid("/etc/key.json"));
        Assert.False(ProvisionalFcmCredentials.IsValid("[]"));
        Assert.False(ProvisionalFcmCredentials.IsValid(Key(type: "user")));
        Assert.False(ProvisionalFcmCredentials.IsValid(Key(email: "")));
        Assert.False(ProvisionalFcmCredentials.IsValid(Key(pem: "not a pem")));
        Assert.False(ProvisionalFcmCredentials.IsValid(Key(pem: ec.ExportPkcs8PrivateKeyPem())));
        Assert.False(ProvisionalFcmCredentials.IsValid(Key(pem: ec.ExportECPrivateKeyPem())));
    }
}
