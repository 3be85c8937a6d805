using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.Limits;

/// <summary>
/// The "source" of a client for the per-source limits (docs/operations.md#per-source-limits): an IPv4 address
/// as itself, an IPv6 address as its /64 network (one subscriber's allocation: a single host can pick any of its
/// 2^64 addresses), an IPv4-mapped IPv6 address as the IPv4 address. The rate limiter and the per-source caps
/// all key on it, so changing the address inside a /64 gains nothing.
/// </summary>
internal static class SourceKey
{
    /// <summary>The key of <paramref name="address"/>: <c>192.0.2.7</c>, <c>2001:db8:1:2::/64</c>; empty for null.</summary>
    public static string For(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return address.MapToIPv4().ToString();
            }

            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
            return new IPAddress(bytes).ToString() + "/64";
        }

        return address.ToString();
    }
}
