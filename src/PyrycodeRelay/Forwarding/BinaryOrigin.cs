using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// What a binary's upgrade request says about who it is, beyond its server-id (docs/operations.md#server-keys): the
/// SHA-256 of its optional <c>X-Pyrycode-Server-Key</c> header (the key itself is never kept) and its source
/// fingerprint.
/// </summary>
/// <param name="KeyHash">SHA-256 of the trimmed header value, or null when the header is absent or empty.</param>
/// <param name="SourceFp">The <see cref="SourceFingerprint"/> of the peer address.</param>
internal sealed record BinaryOrigin(byte[]? KeyHash, string SourceFp)
{
    /// <summary>The optional server key header.</summary>
    public const string ServerKeyHeader = "X-Pyrycode-Server-Key";

    /// <summary>Reads the origin of <paramref name="context"/>'s request (first occurrence of the header, trimmed of spaces and tabs).</summary>
    public static BinaryOrigin From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.Request.Headers[ServerKeyHeader];
        var key = values.Count > 0 ? (values[0] ?? "").Trim(' ', '\t') : "";
        return new BinaryOrigin(key.Length == 0 ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key)), SourceFingerprint.Of(context.Connection.RemoteIpAddress));
    }
}
