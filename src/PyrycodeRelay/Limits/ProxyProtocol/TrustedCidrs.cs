using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>
/// The <c>--proxy-protocol-trusted-cidrs</c> list (operations.md §11 "Trusted sources"): peers allowed to
/// send a PROXY header. An empty list allows every peer. IPv4-mapped IPv6 peers are matched as IPv4.
/// </summary>
public sealed class TrustedCidrs
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
    /// Parses a comma-separated list. Entries are trimmed; an empty string gives <see cref="Any"/>. Each entry
    /// is <c>address/prefix</c> (IPv4 dotted quad with prefix 0–32, or IPv6 with 0–128); host bits beyond the
    /// prefix are ignored, as Go's <c>net.ParseCIDR</c> does. On failure <paramref name="error"/> is the boot
    /// error text of operations.md §1.4: <c>relay: invalid CIDR "&lt;entry&gt;"</c>.
    /// </summary>
    public static bool TryParse(string list, [NotNullWhen(true)] out TrustedCidrs? result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(list);
        result = null;
        error = null;
        if (list.Trim().Length == 0)
        {
            result = Any;
            return true;
        }

        var entries = list.Split(',');
        var networks = new IPNetwork[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i].Trim();
            if (!TryParseCidr(entry, out networks[i]))
            {
                error = $"relay: invalid CIDR \"{entry}\"";
                return false;
            }
        }

        result = new TrustedCidrs(networks);
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

    private static bool TryParseCidr(string entry, out IPNetwork network)
    {
        network = default;
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        var addressText = entry.AsSpan(0, slash);
        var prefixText = entry.AsSpan(slash + 1);
        var v6 = addressText.Contains(':');
        if (!AddressText.TryParse(addressText, v6, out var address))
        {
            return false;
        }

        var maxPrefix = v6 ? 128 : 32;
        if (prefixText.IsEmpty || prefixText.Length > 3 || prefixText.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var prefix = int.Parse(prefixText, provider: System.Globalization.CultureInfo.InvariantCulture);
        if (prefix > maxPrefix)
        {
            return false;
        }

        return IPNetwork.TryParse($"{Mask(address, prefix)}/{prefix}", out network);
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
