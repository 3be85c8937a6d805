using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>Version 1 (text): <c>PROXY TCP4|TCP6 src dst srcport dstport\r\n</c>, at most 107 bytes.</summary>
internal static partial class ProxyHeaderParser
{
    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    private static ProxyParseResult ParseV1(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> line = stackalloc byte[MaxV1Length];
        var available = (int)Math.Min(buffer.Length, MaxV1Length);
        buffer.Slice(0, available).CopyTo(line);
        line = line[..available];

        var prefixLength = Math.Min(available, V1Prefix.Length);
        if (!line[..prefixLength].SequenceEqual(V1Prefix[..prefixLength]))
        {
            return ProxyParseResult.Invalid;
        }

        var lf = line.IndexOf((byte)'\n');
        if (lf < 0)
        {
            return available >= MaxV1Length ? ProxyParseResult.Invalid : ProxyParseResult.NeedMore;
        }

        if (lf == 0 || line[lf - 1] != (byte)'\r')
        {
            return ProxyParseResult.Invalid;
        }

        return ParseV1Fields(line[V1Prefix.Length..(lf - 1)], lf + 1);
    }

    /// <summary>Parses <c>proto src dst srcport dstport</c> separated by single spaces.</summary>
    private static ProxyParseResult ParseV1Fields(ReadOnlySpan<byte> fields, int consumed)
    {
        Span<Range> parts = stackalloc Range[5];
        var count = 0;
        foreach (var part in fields.Split((byte)' '))
        {
            if (count == parts.Length)
            {
                return ProxyParseResult.Invalid;
            }

            parts[count++] = part;
        }

        if (count != parts.Length)
        {
            return ProxyParseResult.Invalid;
        }

        var proto = fields[parts[0]];
        bool v6;
        if (proto.SequenceEqual("TCP4"u8))
        {
            v6 = false;
        }
        else if (proto.SequenceEqual("TCP6"u8))
        {
            v6 = true;
        }
        else
        {
            return ProxyParseResult.Invalid; // includes UNKNOWN
        }

        if (!TryParseAddress(fields[parts[1]], v6, out var src)
            || !TryParseAddress(fields[parts[2]], v6, out var dst)
            || !TryParsePort(fields[parts[3]], out var srcPort)
            || !TryParsePort(fields[parts[4]], out var dstPort))
        {
            return ProxyParseResult.Invalid;
        }

        return ProxyParseResult.Complete(consumed, new IPEndPoint(src, srcPort), new IPEndPoint(dst, dstPort));
    }

    /// <summary>A strict IP literal (<see cref="IpLiteral"/>, as Go's <c>net.ParseIP</c>) of the stated family.</summary>
    private static bool TryParseAddress(ReadOnlySpan<byte> text, bool v6, out IPAddress address) =>
        IpLiteral.TryParse(text, out address)
        && address.AddressFamily == (v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);

    /// <summary>A decimal port 0–65535 (1 to 5 ASCII digits, nothing else).</summary>
    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port)
    {
        port = 0;
        return text.Length is >= 1 and <= 5
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port <= IPEndPoint.MaxPort;
    }
}
