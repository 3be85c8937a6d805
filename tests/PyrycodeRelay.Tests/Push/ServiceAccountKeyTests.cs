using System.Security.Cryptography;
using PyrycodeRelay.Push;
using PyrycodeRelay.Tests.Configuration;

namespace PyrycodeRelay.Tests.Push;

public class ServiceAccountKeyTests
{
    [Fact]
    public void Accepts_a_pkcs8_key_and_reads_the_optional_fields()
    {
        Assert.True(ServiceAccountKey.TryParse(TestKeys.Json(), out var key));
        using (key)
        {
            Assert.Equal(TestKeys.ClientEmail, key.ClientEmail);
            Assert.Equal(TestKeys.KeyId, key.PrivateKeyId);
            Assert.Equal("https://oauth2.googleapis.com/token", key.TokenUri);
            Assert.Equal(TestKeys.Rsa.ExportParameters(false).Modulus, key.Rsa.ExportParameters(false).Modulus);
        }

        Assert.True(ServiceAccountKey.IsValid(TestKeys.Json()));
    }

    [Fact]
    public void Accepts_a_pkcs1_key()
    {
        var json = TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = TestKeys.Rsa.ExportRSAPrivateKeyPem() });
        Assert.True(ServiceAccountKey.TryParse(json, out var key));
        key.Dispose();
        Assert.True(ServiceAccountKey.IsValid(json));
    }

    [Fact]
    public void Optional_fields_may_be_absent_or_empty()
    {
        var json = TestKeys.Json(new Dictionary<string, object?> { ["private_key_id"] = null, ["token_uri"] = "" });
        Assert.True(ServiceAccountKey.TryParse(json, out var key));
        using (key)
        {
            Assert.Null(key.PrivateKeyId);
            Assert.Null(key.TokenUri);
        }
    }

    public static TheoryData<string, string> Invalid()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rsaPem = TestKeys.Pkcs8Pem;
        var data = new TheoryData<string, string>
        {
            { "empty", "" },
            { "non-JSON", "not json " + rsaPem },
            { "a file path", "/etc/pyrycode/sa.json" },
            { "JSON array", "[" + TestKeys.Json() + "]" },
            { "JSON string", "\"service_account\"" },
            { "truncated", TestKeys.Json()[..^1] },
            { "type other", TestKeys.Json(new Dictionary<string, object?> { ["type"] = "authorized_user" }) },
            { "type case", TestKeys.Json(new Dictionary<string, object?> { ["type"] = "Service_Account" }) },
            { "type missing", TestKeys.Json(new Dictionary<string, object?> { ["type"] = null }) },
            { "type number", TestKeys.Json(new Dictionary<string, object?> { ["type"] = 1 }) },
            { "no client_email", TestKeys.Json(new Dictionary<string, object?> { ["client_email"] = null }) },
            { "empty client_email", TestKeys.Json(new Dictionary<string, object?> { ["client_email"] = "" }) },
            { "client_email number", TestKeys.Json(new Dictionary<string, object?> { ["client_email"] = 7 }) },
            { "no private_key", TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = null }) },
            { "empty private_key", TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = "" }) },
            { "garbage PEM", TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = "-----BEGIN PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END PRIVATE KEY-----\n" }) },
            { "not PEM", TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" }) },
            { "EC key PKCS#8", TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = ec.ExportPkcs8PrivateKeyPem() }) },
            { "EC key SEC1", TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = ec.ExportECPrivateKeyPem() }) },
            { "RSA public key", TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = TestKeys.Rsa.ExportSubjectPublicKeyInfoPem() }) },
            { "PKCS#1 body under PKCS#8 label", TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = TestKeys.Rsa.ExportRSAPrivateKeyPem().Replace("RSA PRIVATE KEY", "PRIVATE KEY", StringComparison.Ordinal) }) },
            { "private_key_id number", TestKeys.Json(new Dictionary<string, object?> { ["private_key_id"] = 5 }) },
            { "token_uri object", TestKeys.Json(new Dictionary<string, object?> { ["token_uri"] = new Dictionary<string, string>() }) },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_unusable_values_without_throwing(string what, string json)
    {
        Assert.False(ServiceAccountKey.TryParse(json, out var key), what);
        Assert.Null(key);
        Assert.False(ServiceAccountKey.IsValid(json), what);
    }

    [Fact]
    public void Rejects_null_and_deeply_nested_input()
    {
        Assert.False(ServiceAccountKey.TryParse(null, out _));
        Assert.False(ServiceAccountKey.IsValid(new string('[', 100_000)));
    }

    [Fact]
    public void Create_with_an_unusable_key_throws_the_fixed_text_only()
    {
        var json = TestKeys.Json(new Dictionary<string, object?> { ["type"] = "user-SECRET-VALUE" });
        var e = Assert.Throws<FormatException>(() => PushWakeService.Create(json, DefaultOptions.Push, null!, null!, TimeProvider.System));
        Assert.Equal("relay: fcm credentials are not a service-account JSON key", e.Message);
        Assert.Equal(ServiceAccountKey.Error, e.Message);
        Assert.Null(e.InnerException);
    }

    [Fact]
    public void Create_without_credentials_is_push_off()
    {
        var handler = PushWakeService.Create(null, DefaultOptions.Push, null!, null!, TimeProvider.System);
        Assert.IsType<PushOff>(handler);
        Assert.Equal("relay: push is off", handler.TryAdmit("s1", PushHarness.Wake("T")));
    }
}
