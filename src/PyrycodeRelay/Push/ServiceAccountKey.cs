using System.Security.Cryptography;
using System.Text.Json;

namespace PyrycodeRelay.Push;

/// <summary>
/// A Google service-account JSON key (docs/operations.md#push-credentials): the client e-mail, the RSA private key, and the
/// optional key id (JWT <c>kid</c>) and token URI. The parser never reports anything about the value: it only
/// says whether the value is usable. Owns the RSA key; dispose it.
/// </summary>
internal sealed class ServiceAccountKey : IDisposable
{
    /// <summary>The one error text for any unusable key; it carries nothing from the value.</summary>
    public const string Error = "relay: fcm credentials are not a service-account JSON key";

    private ServiceAccountKey(string clientEmail, RSA rsa, string? privateKeyId, string? tokenUri)
    {
        ClientEmail = clientEmail;
        Rsa = rsa;
        PrivateKeyId = privateKeyId;
        TokenUri = tokenUri;
    }

    /// <summary>The <c>client_email</c>: the JWT issuer. A secret for the logs.</summary>
    public string ClientEmail { get; }

    /// <summary>The <c>private_key_id</c>, or null when absent or empty.</summary>
    public string? PrivateKeyId { get; }

    /// <summary>The <c>token_uri</c>, or null when absent or empty.</summary>
    public string? TokenUri { get; }

    /// <summary>The RSA private key (signs the JWT assertion).</summary>
    internal RSA Rsa { get; }

    /// <summary>
    /// True iff <paramref name="json"/> is a usable service-account key. Backs the boot env validator
    /// (docs/operations.md#env-config-validator row 3); it never throws and never reveals the value.
    /// </summary>
    public static bool IsValid(string json)
    {
        if (!TryParse(json, out var key))
        {
            return false;
        }

        key.Dispose();
        return true;
    }

    /// <summary>
    /// Parses a service-account JSON key. Accepted iff: a JSON object; <c>type</c> = <c>service_account</c>;
    /// non-empty <c>client_email</c>; <c>private_key</c> a PEM RSA private key (PKCS#8 <c>PRIVATE KEY</c> or
    /// PKCS#1 <c>RSA PRIVATE KEY</c>; EC and other keys rejected). Optional string fields
    /// <c>private_key_id</c> and <c>token_uri</c>. Never throws.
    /// </summary>
    public static bool TryParse(string? json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ServiceAccountKey? key)
    {
        key = null;
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryGetString(root, "type", out var type) || type != "service_account"
                || !TryGetString(root, "client_email", out var email) || string.IsNullOrEmpty(email)
                || !TryGetString(root, "private_key", out var pem) || string.IsNullOrEmpty(pem)
                || !TryGetOptionalString(root, "private_key_id", out var kid)
                || !TryGetOptionalString(root, "token_uri", out var tokenUri))
            {
                return false;
            }

            var rsa = ImportRsaPrivateKey(pem);
            if (rsa is null)
            {
                return false;
            }

            key = new ServiceAccountKey(email, rsa, kid, tokenUri);
            return true;
        }
#pragma warning disable CA1031 // Any failure means "not a key"; nothing about it may be reported.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Rsa.Dispose();

    private static bool TryGetString(JsonElement obj, string name, out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out var prop) || prop.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = prop.GetString();
        return value is not null;
    }

    /// <summary>Absent, null or a string (empty counts as absent); any other kind is a failure.</summary>
    private static bool TryGetOptionalString(JsonElement obj, string name, out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out var prop) || prop.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (prop.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var s = prop.GetString();
        value = string.IsNullOrEmpty(s) ? null : s;
        return true;
    }

    /// <summary>Imports the first PEM block if it is an RSA private key; null otherwise.</summary>
    private static RSA? ImportRsaPrivateKey(string pem)
    {
        var text = pem.AsSpan();
        if (!PemEncoding.TryFind(text, out var fields))
        {
            return null;
        }

        var label = text[fields.Label];
        var pkcs8 = label.SequenceEqual("PRIVATE KEY");
        if (!pkcs8 && !label.SequenceEqual("RSA PRIVATE KEY"))
        {
            return null;
        }

        var der = new byte[fields.DecodedDataLength];
        try
        {
            if (!Convert.TryFromBase64Chars(text[fields.Base64Data], der, out var written) || written != der.Length)
            {
                return null;
            }

            var rsa = RSA.Create();
            try
            {
                int read;
                if (pkcs8)
                {
                    rsa.ImportPkcs8PrivateKey(der, out read);
                }
                else
                {
                    rsa.ImportRSAPrivateKey(der, out read);
                }

                if (read != der.Length)
                {
                    rsa.Dispose();
                    return null;
                }

                return rsa;
            }
            catch (CryptographicException)
            {
                rsa.Dispose();
                return null;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }
}
