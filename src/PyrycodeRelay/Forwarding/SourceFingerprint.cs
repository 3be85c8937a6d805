using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// A short, non-reversible name for a connection's source network (docs/operations.md#server-keys): the IPv4
/// address, or the IPv6 /64, keyed with HMAC-SHA-256 under a random per-process key and cut to 8 hex digits. Two
/// connections from the same source have the same fingerprint within one relay process; the address itself is
/// never shown and cannot be recovered from it (the key changes at every start).
/// </summary>
internal static class SourceFingerprint
{
    /// <summary>The fingerprint of a connection whose peer address is unknown.</summary>
    public const string Unknown = "unknown";

    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The fingerprint of <paramref name="address"/>'s source network.</summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return Unknown;
        }

        var source = address.AddressFamily == AddressFamily.InterNetworkV6 ? bytes[..8] : bytes[..written];
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(ProcessKey, source, mac);
        return Convert.ToHexStringLower(mac[..4]);
    }
}
