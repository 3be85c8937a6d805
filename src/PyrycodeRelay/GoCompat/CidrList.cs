using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.GoCompat;

/// <summary>
/// The <c>--proxy-protocol-trusted-cidrs</c> list: comma-separated IPv4/IPv6 CIDRs (Go <c>net.ParseCIDR</c>).
/// The one parser of that grammar: boot validation and the runtime list (<c>TrustedCidrs</c>) both use it.
/// </summary>
internal static class CidrList
{
    /// <summary>
    /// Parses the list (entries trimmed of blanks). Returns null on success, else the error text of the
    /// first bad entry, e.g. <c>relay: invalid CIDR "10.0.0.0/33"</c>. The empty list parses to no entries.
    /// Host bits below the prefix are allowed and masked off (as Go does).
    /// </summary>
    public static string? TryParse(string list, out IReadOnlyList<IPNetwork> networks)
    {
        ArgumentNullException.ThrowIfNull(list);
        var result = new List<IPNetwork>();
        networks = result;
        if (list.Length == 0)
        {
            return null;
        }

        foreach (var raw in list.Split(','))
        {
            var entry = raw.Trim();
            if (!TryParseCidr(entry, out var network))
            {
                return "relay: invalid CIDR " + GoQuote.Quote(entry);
            }

            result.Add(network);
        }

        return null;
    }

    /// <summary>Parses one <c>ip/prefix</c> entry.</summary>
    public static bool TryParseCidr(string text, out IPNetwork network)
    {
        ArgumentNullException.ThrowIfNull(text);
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IpLiteral.TryParse(text.AsSpan(0, slash), out var ip))
        {
            return false;
        }

        var prefixText = text.AsSpan(slash + 1);
        if (prefixText.IsEmpty || prefixText.Length > 10)
        {
            return false;
        }

        var prefix = 0L;
        foreach (var c in prefixText)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            prefix = (prefix * 10) + (c - '0');
        }

        var bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits)
        {
            return false;
        }

        network = new IPNetwork(Mask(ip, (int)prefix), (int)prefix);
        return true;
    }

    private static IPAddress Mask(IPAddress ip, int prefix)
    {
        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
