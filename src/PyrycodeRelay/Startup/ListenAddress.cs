using System.Globalization;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Listener address parsing (docs/operations.md#listener-addresses): <c>host:port</c> where host is empty, an IPv4 literal,
/// a bracketed IPv6 literal or <c>localhost</c>, and port is decimal 1–65535.
/// </summary>
internal static class ListenAddress
{
    /// <summary>The detail for port 0.</summary>
    public const string PortZeroDetail = "port 0 is not permitted (ephemeral-port placeholder)";

    /// <summary>Parses a public listener address; on failure <paramref name="error"/> is the <c>err</c> text.</summary>
    public static bool TryParse(string addr, out ListenEndpoint? endpoint, out string? error)
    {
        ArgumentNullException.ThrowIfNull(addr);
        endpoint = null;
        if (addr.Length == 0)
        {
            error = "relay: listener address is empty";
            return false;
        }

        var prefix = "relay: parsing listener address " + GoQuote.Quote(addr) + ": ";
        if (TrySplit(addr, out var host, out var bracketed, out var port) is { } detail)
        {
            error = prefix + detail;
            return false;
        }

        if (host.Length == 0 && !bracketed)
        {
            endpoint = new ListenEndpoint(addr, ListenHostKind.AllInterfaces, null, port);
        }
        else if (!bracketed && host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = new ListenEndpoint(addr, ListenHostKind.Localhost, null, port);
        }
        else if (IpLiteral.TryParse(host, out var ip) && bracketed == host.Contains(':', StringComparison.Ordinal))
        {
            endpoint = new ListenEndpoint(addr, ListenHostKind.IpLiteral, ip, port);
        }
        else
        {
            error = prefix + "unsupported host " + GoQuote.Quote(host) +
                " (want empty, an IPv4 literal, a bracketed IPv6 literal or localhost)";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Splits <c>host:port</c> (Go <c>net.SplitHostPort</c> rules) and validates the port (1–65535).
    /// Returns null on success, else the detail text.
    /// </summary>
    internal static string? TrySplit(string addr, out string host, out bool bracketed, out int port)
    {
        host = "";
        port = 0;
        bracketed = addr.StartsWith('[');
        string portText;
        if (bracketed)
        {
            var end = addr.IndexOf(']', StringComparison.Ordinal);
            if (end < 0)
            {
                return "missing ']' in address";
            }

            if (end + 1 == addr.Length || addr[end + 1] != ':')
            {
                return end + 1 < addr.Length && addr[end + 1] == ']' ? "unexpected ']' in address" : "missing port in address";
            }

            host = addr[1..end];
            portText = addr[(end + 2)..];
            if (host.Contains('[', StringComparison.Ordinal) || portText.Contains('[', StringComparison.Ordinal) ||
                portText.Contains(']', StringComparison.Ordinal))
            {
                return "unexpected bracket in address";
            }
        }
        else
        {
            var colon = addr.LastIndexOf(':');
            if (colon < 0)
            {
                return "missing port in address";
            }

            host = addr[..colon];
            portText = addr[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                return "too many colons in address";
            }

            if (addr.Contains('[', StringComparison.Ordinal) || addr.Contains(']', StringComparison.Ordinal))
            {
                return "unexpected bracket in address";
            }
        }

        return ParsePort(portText, out port);
    }

    private static string? ParsePort(string text, out int port)
    {
        port = 0;
        if (text.Length == 0)
        {
            return "missing port number";
        }

        var digits = text.AsSpan();
        var negative = digits[0] == '-';
        if (digits[0] is '-' or '+')
        {
            digits = digits[1..];
        }

        if (digits.IsEmpty)
        {
            return "invalid port " + GoQuote.Quote(text);
        }

        long value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return "invalid port " + GoQuote.Quote(text);
            }

            value = Math.Min((value * 10) + (c - '0'), 1_000_000);
        }

        if (negative && value != 0)
        {
            return "port " + text + " is negative";
        }

        if (value == 0)
        {
            return PortZeroDetail;
        }

        if (value > 65535)
        {
            return "port " + digits.ToString() + " out of range (1-65535)";
        }

        port = (int)value;
        return null;
    }

    /// <summary>Invariant decimal text of a port.</summary>
    internal static string PortText(int port) => port.ToString(CultureInfo.InvariantCulture);
}
