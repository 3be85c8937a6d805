using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>
/// Strict ASCII address and port text: dotted-quad IPv4 (four decimal octets, no leading zeros, as Go's
/// <c>net.ParseIP</c>) and IPv6 (hex digits, colons, optional embedded dotted IPv4; no brackets, no zone).
/// </summary>
internal static class AddressText
{
    private const int MaxIpv6TextLength = 45;

    private static readonly SearchValues<char> Ipv6Chars = SearchValues.Create("0123456789abcdefABCDEF:.");

    /// <summary>Parses an address of the given family from ASCII bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, bool v6, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.IsEmpty || text.Length > MaxIpv6TextLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        return TryParse(chars, v6, out address);
    }

    /// <summary>Parses an address of the given family from characters.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, bool v6, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (!v6)
        {
            return TryParseIPv4(text, out address);
        }

        if (text.IsEmpty || text.Length > MaxIpv6TextLength || text.ContainsAnyExcept(Ipv6Chars))
        {
            return false;
        }

        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = parsed;
        return true;
    }

    /// <summary>Parses a decimal port 0–65535 (1 to 5 digits).</summary>
    public static bool TryParsePort(ReadOnlySpan<byte> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5)
        {
            return false;
        }

        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            port = (port * 10) + (b - '0');
        }

        return port <= IPEndPoint.MaxPort;
    }

    private static bool TryParseIPv4(ReadOnlySpan<char> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        Span<byte> octets = stackalloc byte[4];
        var index = 0;
        var digits = 0;
        var value = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || index == 3)
                {
                    return false;
                }

                octets[index++] = (byte)value;
                digits = 0;
                value = 0;
            }
            else if (c is >= '0' and <= '9')
            {
                if (digits > 0 && value == 0)
                {
                    return false; // leading zero
                }

                value = (value * 10) + (c - '0');
                digits++;
                if (value > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (digits == 0 || index != 3)
        {
            return false;
        }

        octets[3] = (byte)value;
        address = new IPAddress(octets);
        return true;
    }
}
