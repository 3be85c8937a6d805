using System.Security.Cryptography;
using System.Text;

namespace PyrycodeRelay.Push;

/// <summary>The loggable stand-in for a device token (docs/operations.md#push-outcome-logs).</summary>
internal static class TokenFingerprint
{
    /// <summary>The first 8 lowercase hex characters of SHA-256 of the token's UTF-8 bytes.</summary>
    public static string Of(string deviceToken)
    {
        ArgumentNullException.ThrowIfNull(deviceToken);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var byteCount = Encoding.UTF8.GetByteCount(deviceToken);
        var rented = byteCount <= 512 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount);
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        var written = Encoding.UTF8.GetBytes(deviceToken, utf8);
        SHA256.HashData(utf8[..written], hash);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        return Convert.ToHexStringLower(hash[..4]);
    }
}
