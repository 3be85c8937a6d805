using System.Net;
using System.Net.Sockets;
using System.Text;
using PyrycodeRelay.Limits.ProxyProtocol;

namespace PyrycodeRelay.Fuzz.Oracles;

/// <summary>
/// Independent reading of docs/operations.md#proxy-protocol and the HAProxy PROXY protocol: v1 <c>PROXY TCP4|TCP6 src dst
/// sport dport\r\n</c> within 107 bytes (single spaces, dotted-quad IPv4 without leading zeros, IPv6 text without
/// brackets or zone and with any embedded IPv4 dotted-quad too, ports 0–65535); v2 signature, 0x21, family 0x11/0x21, length covering the addresses.
/// "Need more" only while every byte seen so far can still begin an acceptable header.
/// </summary>
internal static class ReferenceProxy
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static ProxyParseResult Parse(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            return ProxyParseResult.NeedMore;
        }

        return s[0] == (byte)'P' ? V1(s) : s[0] == 0x0D ? V2(s) : ProxyParseResult.Invalid;
    }

    private static ProxyParseResult V1(ReadOnlySpan<byte> s)
    {
        var window = s[..Math.Min(s.Length, 107)];
        var prefix = "PROXY "u8;
        var n = Math.Min(window.Length, prefix.Length);
        if (!window[..n].SequenceEqual(prefix[..n]))
        {
            return ProxyParseResult.Invalid;
        }

        var lf = window.IndexOf((byte)'\n');
        if (lf < 0)
        {
            return window.Length >= 107 ? ProxyParseResult.Invalid : ProxyParseResult.NeedMore;
        }

        if (lf < 1 || window[lf - 1] != (byte)'\r')
        {
            return ProxyParseResult.Invalid;
        }

        var text = Encoding.Latin1.GetString(window[..(lf - 1)]);
        var parts = text.Split(' ');
        if (parts.Length != 6 || parts[0] != "PROXY" || parts[1] is not ("TCP4" or "TCP6"))
        {
            return ProxyParseResult.Invalid;
        }

        var v6 = parts[1] == "TCP6";
        if (!Address(parts[2], v6, out var src) || !Address(parts[3], v6, out var dst) || !Port(parts[4], out var sp) || !Port(parts[5], out var dp))
        {
            return ProxyParseResult.Invalid;
        }

        return ProxyParseResult.Complete(lf + 1, new IPEndPoint(src, sp), new IPEndPoint(dst, dp));
    }

    private static bool Address(string text, bool v6, out IPAddress address)
    {
        address = IPAddress.None;
        if (!v6)
        {
            var octets = text.Split('.');
            if (octets.Length != 4)
            {
                return false;
            }

            var bytes = new byte[4];
            for (var i = 0; i < 4; i++)
            {
                var o = octets[i];
                if (o.Length is 0 or > 3 || o.Any(c => c is < '0' or > '9') || (o.Length > 1 && o[0] == '0') || int.Parse(o, System.Globalization.CultureInfo.InvariantCulture) > 255)
                {
                    return false;
                }

                bytes[i] = byte.Parse(o, System.Globalization.CultureInfo.InvariantCulture);
            }

            address = new IPAddress(bytes);
            return true;
        }

        if (text.Length is 0 or > 45 || text.Any(c => !(char.IsAsciiHexDigit(c) || c is ':' or '.')))
        {
            return false;
        }

        // An embedded IPv4 tail follows the dotted-quad rule too (Go's net.ParseIP).
        if (text.Contains('.') && !Address(text[(text.LastIndexOf(':') + 1)..], v6: false, out _))
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

    private static bool Port(string text, out int port)
    {
        port = 0;
        return text.Length is >= 1 and <= 5 && text.All(c => c is >= '0' and <= '9') && (port = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)) <= 65535;
    }

    private static ProxyParseResult V2(ReadOnlySpan<byte> s)
    {
        var n = Math.Min(s.Length, 12);
        if (!s[..n].SequenceEqual(Signature.AsSpan(0, n)))
        {
            return ProxyParseResult.Invalid;
        }

        if (s.Length > 12 && s[12] != 0x21)
        {
            return ProxyParseResult.Invalid;
        }

        if (s.Length > 13 && s[13] is not (0x11 or 0x21))
        {
            return ProxyParseResult.Invalid;
        }

        if (s.Length < 16)
        {
            return ProxyParseResult.NeedMore;
        }

        var v6 = s[13] == 0x21;
        var length = (s[14] << 8) | s[15];
        var need = v6 ? 36 : 12;
        if (length < need)
        {
            return ProxyParseResult.Invalid;
        }

        if (s.Length < 16 + length)
        {
            return ProxyParseResult.NeedMore;
        }

        var a = v6 ? 16 : 4;
        var src = new IPAddress(s.Slice(16, a));
        var dst = new IPAddress(s.Slice(16 + a, a));
        var sp = (s[16 + (2 * a)] << 8) | s[17 + (2 * a)];
        var dp = (s[18 + (2 * a)] << 8) | s[19 + (2 * a)];
        return ProxyParseResult.Complete(16 + length, new IPEndPoint(src, sp), new IPEndPoint(dst, dp));
    }
}
