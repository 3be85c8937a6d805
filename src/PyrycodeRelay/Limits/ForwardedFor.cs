using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Primitives;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Limits;

/// <summary>
/// The client address behind a trusted HTTP proxy (<c>--trust-x-forwarded-for</c>, docs/operations.md#client-address),
/// chosen as nginx's <c>real_ip_recursive on</c> does: the <c>X-Forwarded-For</c> entries are read from the right
/// (the right-most was appended by the proxy that connected to the relay), entries inside <c>--trusted-proxy-cidrs</c>
/// are skipped, and the first other entry is the client. An entry that is not an IP literal ends the walk with the
/// peer address, so a client can never name an arbitrary key. With an empty list the right-most entry is the client.
/// When a list is given and the peer is not inside it, the header is ignored (the request did not come through a
/// trusted proxy).
/// </summary>
internal sealed class ForwardedFor
{
    /// <summary>The request header.</summary>
    public const string HeaderName = "X-Forwarded-For";

    /// <summary>The longest text that can be an IP literal (IPv6 with an embedded IPv4 part).</summary>
    private const int MaxEntryLength = 45;

    private readonly IPNetwork[] _trusted;

    /// <summary>Creates the resolver for the given trusted proxy networks (may be empty).</summary>
    public ForwardedFor(IEnumerable<IPNetwork> trustedProxies)
    {
        ArgumentNullException.ThrowIfNull(trustedProxies);
        _trusted = [.. trustedProxies];
    }

    /// <summary>No trusted proxy networks: the right-most entry is the client.</summary>
    public static ForwardedFor RightMost { get; } = new([]);

    /// <summary>Builds the resolver from the <c>--trusted-proxy-cidrs</c> value (validated at boot).</summary>
    public static ForwardedFor Parse(string cidrs)
    {
        if (CidrList.TryParse(cidrs ?? "", out var networks) is { } err)
        {
            throw new ArgumentException(err, nameof(cidrs));
        }

        return networks.Count == 0 ? RightMost : new ForwardedFor(networks);
    }

    /// <summary>The client address for <paramref name="peer"/> and the request's <c>X-Forwarded-For</c> values.</summary>
    public IPAddress? Resolve(IPAddress? peer, StringValues forwardedFor)
    {
        if (forwardedFor.Count == 0 || (_trusted.Length > 0 && (peer is null || !IsTrusted(peer))))
        {
            return peer;
        }

        IPAddress? leftMostTrusted = null;
        for (var h = forwardedFor.Count - 1; h >= 0; h--)
        {
            var value = (forwardedFor[h] ?? "").AsSpan();
            while (true)
            {
                var comma = value.LastIndexOf(',');
                var entry = value[(comma + 1)..].Trim(" \t");
                if (!entry.IsEmpty || comma >= 0 || value.Length > 0)
                {
                    if (entry.Length > MaxEntryLength || !IpLiteral.TryParse(entry, out var address))
                    {
                        return peer; // not an IP literal: never a key the client chose
                    }

                    if (!IsTrusted(address))
                    {
                        return address;
                    }

                    leftMostTrusted = address;
                }

                if (comma < 0)
                {
                    break;
                }

                value = value[..comma];
            }
        }

        return leftMostTrusted ?? peer; // every entry was a trusted proxy: the left-most is the client (as nginx)
    }

    private bool IsTrusted(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _trusted)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
