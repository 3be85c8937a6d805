using System.Buffers.Binary;
using System.Net;
using System.Text;
using PyrycodeRelay.Limits.ProxyProtocol;

namespace PyrycodeRelay.Tests.Support;

/// <summary>Builders of PROXY protocol headers (HAProxy proxy-protocol.txt) for tests.</summary>
internal static class ProxyHeaders
{
    public const byte Proxy = 0x21;
    public const byte Local = 0x20;
    public const byte Tcp4 = 0x11;
    public const byte Tcp6 = 0x21;
    public const byte Udp4 = 0x12;
    public const byte Unspec = 0x00;
    public const byte UnixStream = 0x31;

    public static byte[] V1(string line) => Encoding.ASCII.GetBytes(line);

    /// <summary>A v2 header with the given command/family bytes and address block (+ optional TLV bytes).</summary>
    public static byte[] V2(byte versionCommand, byte family, ReadOnlySpan<byte> addresses, ReadOnlySpan<byte> tlvs = default)
    {
        var length = addresses.Length + tlvs.Length;
        var header = new byte[16 + length];
        ProxyHeaderParser.V2Signature.CopyTo(header);
        header[12] = versionCommand;
        header[13] = family;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)length);
        addresses.CopyTo(header.AsSpan(16));
        tlvs.CopyTo(header.AsSpan(16 + addresses.Length));
        return header;
    }

    /// <summary>A v2 PROXY header for TCP over the family of <paramref name="source"/>.</summary>
    public static byte[] V2Tcp(string source, int sourcePort, string destination, int destinationPort,
        ReadOnlySpan<byte> tlvs = default, byte versionCommand = Proxy)
    {
        var src = IPAddress.Parse(source).GetAddressBytes();
        var dst = IPAddress.Parse(destination).GetAddressBytes();
        var block = new byte[(2 * src.Length) + 4];
        src.CopyTo(block, 0);
        dst.CopyTo(block, src.Length);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(2 * src.Length), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan((2 * src.Length) + 2), (ushort)destinationPort);
        return V2(versionCommand, src.Length == 4 ? Tcp4 : Tcp6, block, tlvs);
    }

    /// <summary>A v2 PROXY UNIX-stream header (two 108-byte paths).</summary>
    public static byte[] V2UnixStream()
    {
        var block = new byte[216];
        Encoding.ASCII.GetBytes("/run/src.sock").CopyTo(block, 0);
        Encoding.ASCII.GetBytes("/run/dst.sock").CopyTo(block, 108);
        return V2(Proxy, UnixStream, block);
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
