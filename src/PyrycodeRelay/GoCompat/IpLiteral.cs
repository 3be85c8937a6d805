using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.GoCompat;

/// <summary>
/// Strict IP literal parsing as Go's <c>net.ParseIP</c> accepts it: IPv4 only in dotted-quad form
/// (four decimal parts 0–255, no leading zeros), IPv6 without brackets or zone. .NET's own parser is
/// more lenient (<c>10</c>, <c>0x7f.1</c>, <c>[::1]:80</c>, <c>fe80::1%eth0</c>), so it is only used for
/// IPv6 after the character set has been checked.
/// </summary>
internal static class IpLiteral
{
    /// <summary>The longest IPv6 text, e.g. <c>ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255</c>.</summary>
    private const int MaxLength = 45;

    /// <summary>Parses an IPv4 or IPv6 literal.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.IsEmpty)
        {
            return false;
        }

        return text.Contains(':') ? TryParseV6(text, out address) : TryParseV4(text, out address);
    }

    /// <summary>
    /// Parses an IPv4 or IPv6 literal from ASCII bytes (as in a PROXY v1 header). Longer than the longest IPv6
    /// text (45 characters) is never a literal.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> ascii, out IPAddress address)
    {
        address = IPAddress.None;
        if (ascii.Length > MaxLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[ascii.Length];
        for (var i = 0; i < ascii.Length; i++)
        {
            chars[i] = (char)ascii[i];
        }

        return TryParse(chars, out address);
    }

    /// <summary>True for 127.0.0.0/8, <c>::1</c>, and IPv4-mapped 127.0.0.0/8.</summary>
    public static bool IsLoopback(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] == 127;
        }

        return address.Equals(IPAddress.IPv6Loopback);
    }

    /// <summary>The address as Go's <c>net.IP.String</c> writes it (IPv4-mapped addresses as dotted IPv4).</summary>
    public static string Format(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();
    }

    private static bool TryParseV4(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        Span<byte> bytes = stackalloc byte[4];
        var part = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.')
            {
                continue;
            }

            if (part == 4 || !TryParseOctet(text[start..i], out bytes[part]))
            {
                return false;
            }

            part++;
            start = i + 1;
        }

        if (part != 4)
        {
            return false;
        }

        address = new IPAddress(bytes);
        return true;
    }

    private static bool TryParseOctet(ReadOnlySpan<char> s, out byte value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 3 || (s.Length > 1 && s[0] == '0'))
        {
            return false;
        }

        var n = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            n = (n * 10) + (c - '0');
        }

        if (n > 255)
        {
            return false;
        }

        value = (byte)n;
        return true;
    }

    private static bool TryParseV6(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        foreach (var c in text)
        {
            if (!(char.IsAsciiHexDigit(c) || c == ':' || c == '.'))
            {
                return false;
            }
        }

        if (text.Contains('.'))
        {
            var tail = text[(text.LastIndexOf(':') + 1)..];
            if (!TryParseV4(tail, out _))
            {
                return false;
            }
        }

        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = parsed;
        return true;
    }
}
