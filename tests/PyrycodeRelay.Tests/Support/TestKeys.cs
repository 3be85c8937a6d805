using System.Security.Cryptography;
using System.Text.Json;

namespace PyrycodeRelay.Tests.Support;

/// <summary>Service-account keys made at test time (no real key is ever committed).</summary>
internal static class TestKeys
{
    public const string ClientEmail = "secret-sender@test-proj.iam.gserviceaccount.com";
    public const string KeyId = "0123456789abcdef-kid";

    private static readonly Lazy<RSA> SharedRsa = new(() => RSA.Create(2048));

    /// <summary>One RSA key shared by the tests (generation is slow).</summary>
    public static RSA Rsa => SharedRsa.Value;

    public static string Pkcs8Pem => Rsa.ExportPkcs8PrivateKeyPem();

    /// <summary>A whole service-account JSON key; <paramref name="fields"/> overrides or adds fields (null value removes).</summary>
    public static string Json(IReadOnlyDictionary<string, object?>? fields = null)
    {
        var o = new Dictionary<string, object?>
        {
            ["type"] = "service_account",
            ["project_id"] = "test-proj",
            ["private_key_id"] = KeyId,
            ["private_key"] = Pkcs8Pem,
            ["client_email"] = ClientEmail,
            ["client_id"] = "1234567890",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        };
        if (fields is not null)
        {
            foreach (var (k, v) in fields)
            {
                if (v is null)
                {
                    o.Remove(k);
                }
                else
                {
                    o[k] = v;
                }
            }
        }

        return JsonSerializer.Serialize(o);
    }

    /// <summary>A line from the middle of the PEM body: a fragment that must never be printed.</summary>
    public static string PemFragment()
    {
        var lines = Pkcs8Pem.Split('\n');
        return lines[lines.Length / 2];
    }
}
