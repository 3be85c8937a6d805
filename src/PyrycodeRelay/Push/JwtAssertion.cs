using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace PyrycodeRelay.Push;

/// <summary>The RS256 JWT-bearer assertion of docs/operations.md#fcm-access-token.</summary>
internal static class JwtAssertion
{
    /// <summary>The OAuth scope asked for.</summary>
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    /// <summary>Lifetime of the assertion (<c>exp</c> − <c>iat</c>), in seconds.</summary>
    public const long LifetimeSeconds = 3600;

    /// <summary>
    /// Builds <c>base64url(header).base64url(claims).base64url(signature)</c>: header <c>alg</c>=RS256,
    /// <c>typ</c>=JWT, <c>kid</c> when known; claims <c>iss</c>, <c>scope</c>, <c>aud</c>, <c>iat</c>, <c>exp</c>.
    /// </summary>
    public static string Create(ServiceAccountKey key, string audience, long nowUnixSeconds)
    {
        var header = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            w.WriteString("alg"u8, "RS256"u8);
            w.WriteString("typ"u8, "JWT"u8);
            if (key.PrivateKeyId is not null)
            {
                w.WriteString("kid"u8, key.PrivateKeyId);
            }

            w.WriteEndObject();
        }

        var claims = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(claims))
        {
            w.WriteStartObject();
            w.WriteString("iss"u8, key.ClientEmail);
            w.WriteString("scope"u8, Scope);
            w.WriteString("aud"u8, audience);
            w.WriteNumber("iat"u8, nowUnixSeconds);
            w.WriteNumber("exp"u8, nowUnixSeconds + LifetimeSeconds);
            w.WriteEndObject();
        }

        var signingInput = string.Concat(Base64Url.EncodeToString(header.WrittenSpan), ".", Base64Url.EncodeToString(claims.WrittenSpan));
        var signature = key.Rsa.SignData(System.Text.Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return string.Concat(signingInput, ".", Base64Url.EncodeToString(signature));
    }
}
