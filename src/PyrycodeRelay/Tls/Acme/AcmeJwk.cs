using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>
/// JSON Web Key handling for the ECDSA P-256 account key: the public JWK (RFC 7517/7518) and its
/// RFC 7638 SHA-256 thumbprint, used for the http-01 key authorization (RFC 8555 §8.1).
/// </summary>
internal static class AcmeJwk
{
    /// <summary>Writes the public JWK of <paramref name="key"/> as a JSON object (members in RFC 7638 order).</summary>
    public static void WritePublicJwk(Utf8JsonWriter writer, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var (x, y) = Coordinates(key);
        writer.WriteStartObject();
        writer.WriteString("crv", "P-256");
        writer.WriteString("kty", "EC");
        writer.WriteString("x", x);
        writer.WriteString("y", y);
        writer.WriteEndObject();
    }

    /// <summary>The RFC 7638 thumbprint: base64url(SHA-256(canonical JWK JSON)).</summary>
    public static string Thumbprint(ECDsa key)
    {
        var (x, y) = Coordinates(key);
        // Canonical form: required members only, lexicographic order, no whitespace (RFC 7638 §3).
        var canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The http-01 key authorization: <c>token + "." + thumbprint</c> (RFC 8555 §8.1).</summary>
    public static string KeyAuthorization(string token, ECDsa accountKey) => token + "." + Thumbprint(accountKey);

    private static (string X, string Y) Coordinates(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var p = key.ExportParameters(includePrivateParameters: false);
        if (p.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value || p.Q.X is null || p.Q.Y is null)
        {
            throw new ArgumentException("ACME account key must be ECDSA P-256", nameof(key));
        }

        return (Base64Url.EncodeToString(p.Q.X), Base64Url.EncodeToString(p.Q.Y));
    }
}
