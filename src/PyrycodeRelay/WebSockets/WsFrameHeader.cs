using System.Buffers;
using System.Buffers.Binary;

namespace PyrycodeRelay.WebSockets;

/// <summary>A parsed RFC 6455 §5.2 frame header.</summary>
internal readonly struct WsFrameHeader
{
    /// <summary>Largest header: 2 + 8 (64-bit length) + 4 (mask).</summary>
    public const int MaxSize = 14;

    /// <summary>Creates a header.</summary>
    public WsFrameHeader(bool fin, byte rsv, WsOpcode opcode, bool masked, uint maskKey, long payloadLength, int size)
    {
        Fin = fin;
        Rsv = rsv;
        Opcode = opcode;
        Masked = masked;
        MaskKey = maskKey;
        PayloadLength = payloadLength;
        Size = size;
    }

    /// <summary>FIN bit.</summary>
    public bool Fin { get; }

    /// <summary>RSV1–3 bits (must be 0: no extension is negotiated).</summary>
    public byte Rsv { get; }

    /// <summary>Raw opcode (may be an undefined value).</summary>
    public WsOpcode Opcode { get; }

    /// <summary>MASK bit.</summary>
    public bool Masked { get; }

    /// <summary>Masking key in wire byte order (first key byte in the lowest byte).</summary>
    public uint MaskKey { get; }

    /// <summary>Payload length (a 64-bit length with the top bit set is reported as -1).</summary>
    public long PayloadLength { get; }

    /// <summary>Header size in bytes.</summary>
    public int Size { get; }

    /// <summary>Whether the opcode is a control opcode (0x8–0xF).</summary>
    public bool IsControl => ((byte)Opcode & 0x8) != 0;

    /// <summary>
    /// Parses a header from the start of <paramref name="buffer"/>. Returns false when more bytes are needed.
    /// </summary>
    public static bool TryParse(in ReadOnlySequence<byte> buffer, out WsFrameHeader header)
    {
        if (buffer.FirstSpan.Length >= MaxSize || buffer.IsSingleSegment)
        {
            return TryParse(buffer.FirstSpan, out header);
        }

        Span<byte> tmp = stackalloc byte[MaxSize];
        var n = (int)Math.Min(buffer.Length, MaxSize);
        buffer.Slice(0, n).CopyTo(tmp);
        return TryParse(tmp[..n], out header);
    }

    /// <summary>Parses a header from the start of <paramref name="span"/>. Returns false when more bytes are needed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> span, out WsFrameHeader header)
    {
        header = default;
        if (span.Length < 2)
        {
            return false;
        }

        var b0 = span[0];
        var b1 = span[1];
        var masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7F;
        var size = 2;
        if (len == 126)
        {
            if (span.Length < 4)
            {
                return false;
            }

            len = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
            size = 4;
        }
        else if (len == 127)
        {
            if (span.Length < 10)
            {
                return false;
            }

            var raw = BinaryPrimitives.ReadUInt64BigEndian(span[2..]);
            len = raw > long.MaxValue ? -1 : (long)raw;
            size = 10;
        }

        uint mask = 0;
        if (masked)
        {
            if (span.Length < size + 4)
            {
                return false;
            }

            mask = BinaryPrimitives.ReadUInt32LittleEndian(span[size..]);
            size += 4;
        }

        header = new WsFrameHeader((b0 & 0x80) != 0, (byte)((b0 >> 4) & 0x7), (WsOpcode)(b0 & 0x0F), masked, mask, len, size);
        return true;
    }

    /// <summary>Size of an unmasked server header for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int ServerHeaderSize(long payloadLength) => payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;

    /// <summary>Writes an unmasked, final (FIN) server frame header; returns its size.</summary>
    public static int WriteServerHeader(Span<byte> destination, WsOpcode opcode, long payloadLength)
    {
        destination[0] = (byte)(0x80 | (byte)opcode);
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }
}
