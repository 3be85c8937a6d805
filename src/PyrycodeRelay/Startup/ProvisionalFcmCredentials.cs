using System.Security.Cryptography;
using System.Text.Json;

namespace PyrycodeRelay.Startup;

/// <summary>
/// TEMPORARY stand-in for the push sender's credentials parser (operations.md §17.3), used by the
/// env validator until the Push module's parser is passed to <see cref="BootSequence.Run"/>.
/// Accepts iff: a JSON object; <c>type</c> = <c>service_account</c>; non-empty <c>client_email</c>;
/// <c>private_key</c> a PEM RSA key (PKCS#8 or PKCS#1; EC keys rejected).
/// </summary>
public static class ProvisionalFcmCredentials
{
    /// <summary>True when <paramref name="json"/> is a usable service-account key. Never throws.</summary>
    public static bool IsValid(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || type.GetString() != "service_account"
                || !root.TryGetProperty("client_email", out var email) || email.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(email.GetString())
                || !root.TryGetProperty("private_key", out var key) || key.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            var pem = key.GetString()!;
            if (!pem.Contains("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal)
                && !pem.Contains("-----BEGIN RSA PRIVATE KEY-----", StringComparison.Ordinal))
            {
                return false;
            }

            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
