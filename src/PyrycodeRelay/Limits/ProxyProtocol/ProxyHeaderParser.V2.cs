using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>Version 2 (binary): signature, version 2 + command PROXY, family TCP over IPv4 or IPv6; TLVs ignored.</summary>
internal static partial class ProxyHeaderParser
{
    private const byte VersionCommandProxy = 0x21; // version 2, command PROXY (LOCAL is 0x20)
    private const byte FamilyTcp4 = 0x11;          // AF_INET, STREAM
    private const byte FamilyTcp6 = 0x21;          // AF_INET6, STREAM
    private const int Tcp4AddressLength = 12;
    private const int Tcp6AddressLength = 36;

    /// <summary>The 12-byte v2 signature.</summary>
    public static ReadOnlySpan<byte> V2Signature =>
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ProxyParseResult ParseV2(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[V2FixedLength];
        var available = (int)Math.Min(buffer.Length, V2FixedLength);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];

        var signatureLength = Math.Min(available, V2Signature.Length);
        if (!head[..signatureLength].SequenceEqual(V2Signature[..signatureLength]))
        {
            return ProxyParseResult.Invalid;
        }

        if (available > 12 && head[12] != VersionCommandProxy)
        {
            return ProxyParseResult.Invalid;
        }

        if (available > 13 && head[13] != FamilyTcp4 && head[13] != FamilyTcp6)
        {
            return ProxyParseResult.Invalid;
        }

        if (available < V2FixedLength)
        {
            return ProxyParseResult.NeedMore;
        }

        var v6 = head[13] == FamilyTcp6;
        int length = BinaryPrimitives.ReadUInt16BigEndian(head[14..]);
        if (length < (v6 ? Tcp6AddressLength : Tcp4AddressLength))
        {
            return ProxyParseResult.Invalid;
        }

        var total = V2FixedLength + length;
        if (buffer.Length < total)
        {
            return ProxyParseResult.NeedMore;
        }

        Span<byte> addresses = stackalloc byte[Tcp6AddressLength];
        addresses = addresses[..(v6 ? Tcp6AddressLength : Tcp4AddressLength)];
        buffer.Slice(V2FixedLength, addresses.Length).CopyTo(addresses);

        var addressLength = v6 ? 16 : 4;
        var src = new IPAddress(addresses[..addressLength]);
        var dst = new IPAddress(addresses.Slice(addressLength, addressLength));
        int srcPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * addressLength)..]);
        int dstPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[((2 * addressLength) + 2)..]);
        return ProxyParseResult.Complete(total, new IPEndPoint(src, srcPort), new IPEndPoint(dst, dstPort));
    }
}
