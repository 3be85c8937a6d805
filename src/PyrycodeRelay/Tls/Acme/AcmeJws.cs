using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>
/// Builds flattened JWS request bodies (RFC 8555 §6.2): ES256 over the account key, protected header
/// with <c>alg</c>, <c>nonce</c>, <c>url</c> and either <c>jwk</c> (newAccount) or <c>kid</c> (everything else).
/// </summary>
internal static class AcmeJws
{
    /// <summary>
    /// Signs <paramref name="payload"/> (UTF-8 JSON; <c>null</c> for POST-as-GET, which sends an empty payload).
    /// Exactly one of <paramref name="kid"/> (account URL) or the embedded JWK is used: JWK when kid is null.
    /// </summary>
    public static byte[] Sign(ECDsa accountKey, Uri url, string nonce, string? kid, byte[]? payload)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(url);
        var header = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            w.WriteString("alg", "ES256");
            if (kid is null)
            {
                w.WritePropertyName("jwk");
                AcmeJwk.WritePublicJwk(w, accountKey);
            }
            else
            {
                w.WriteString("kid", kid);
            }

            w.WriteString("nonce", nonce);
            w.WriteString("url", url.AbsoluteUri);
            w.WriteEndObject();
        }

        var protectedB64 = Base64Url.EncodeToString(header.WrittenSpan);
        var payloadB64 = payload is null ? "" : Base64Url.EncodeToString(payload);
        var signingInput = Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64);
        // ES256 signatures are the fixed-width r||s concatenation (RFC 7518 §3.4).
        var signature = accountKey.SignData(signingInput, HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        var body = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("protected", protectedB64);
            w.WriteString("payload", payloadB64);
            w.WriteString("signature", Base64Url.EncodeToString(signature));
            w.WriteEndObject();
        }

        return body.WrittenSpan.ToArray();
    }
}
