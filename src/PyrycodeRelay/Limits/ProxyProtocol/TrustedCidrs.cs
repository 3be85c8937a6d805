using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>
/// The <c>--proxy-protocol-trusted-cidrs</c> list (docs/operations.md#proxy-protocol "Trusted sources"): peers allowed to
/// send a PROXY header. An empty list allows every peer. IPv4-mapped IPv6 peers are matched as IPv4.
/// </summary>
internal sealed class TrustedCidrs
{
    private readonly IPNetwork[] _networks;

    private TrustedCidrs(IPNetwork[] networks) => _networks = networks;

    /// <summary>The empty list: every peer is allowed.</summary>
    public static TrustedCidrs Any { get; } = new([]);

    /// <summary>The parsed networks (empty for <see cref="Any"/>).</summary>
    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>True when no CIDR is configured (every peer allowed).</summary>
    public bool IsEmpty => _networks.Length == 0;

    /// <summary>
    /// Parses the flag value with <see cref="CidrList"/>, the parser boot validation uses, so the two cannot
    /// disagree. The empty string gives <see cref="Any"/>. On failure <paramref name="error"/> is the boot error
    /// text of docs/operations.md#flag-value-rules: <c>relay: invalid CIDR "&lt;entry&gt;"</c>.
    /// </summary>
    public static bool TryParse(string list, [NotNullWhen(true)] out TrustedCidrs? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        error = CidrList.TryParse(list, out var networks);
        if (error is not null)
        {
            return false;
        }

        result = networks.Count == 0 ? Any : new TrustedCidrs([.. networks]);
        return true;
    }

    /// <summary>
    /// True when <paramref name="peer"/> may send a PROXY header: the list is empty, or the peer is an IP
    /// endpoint inside one of the networks.
    /// </summary>
    public bool Allows(EndPoint? peer)
    {
        if (_networks.Length == 0)
        {
            return true;
        }

        return peer is IPEndPoint ip && Allows(ip.Address);
    }

    /// <summary>True when the list is empty or <paramref name="address"/> is inside one of the networks.</summary>
    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_networks.Length == 0)
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
