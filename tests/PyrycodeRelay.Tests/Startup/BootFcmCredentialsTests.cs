using System.Security.Cryptography;
using System.Text.Json;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class BootFcmCredentialsTests
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
        Assert.True(PyrycodeRelay.Push.ServiceAccountKey.IsValid(Key()));
        using var rsa = RSA.Create(2048);
        Assert.True(PyrycodeRelay.Push.ServiceAccountKey.IsValid(Key(pem: rsa.ExportRSAPrivateKeyPem())));
    }

    [Fact]
    public void Rejects_everything_else()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid(""));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid("MARKER {"));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid("{\"type\":\"MARKER\"}"));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid("/etc/key.json"));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid("[]"));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid(Key(type: "user")));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid(Key(email: "")));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid(Key(pem: "not a pem")));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid(Key(pem: ec.ExportPkcs8PrivateKeyPem())));
        Assert.False(PyrycodeRelay.Push.ServiceAccountKey.IsValid(Key(pem: ec.ExportECPrivateKeyPem())));
    }
}
