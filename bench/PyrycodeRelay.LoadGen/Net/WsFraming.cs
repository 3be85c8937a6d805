using System.Buffers.Binary;
using System.Numerics;

namespace PyrycodeRelay.LoadGen.Net;

/// <summary>Client-side frame headers and masking (RFC 6455 §5.2, §5.3).</summary>
internal static class WsFraming
{
    /// <summary>Size of a masked client frame header for a payload of <paramref name="length"/> bytes.</summary>
    public static int HeaderSize(int length) => (length < 126 ? 2 : length <= ushort.MaxValue ? 4 : 10) + 4;

    /// <summary>Writes a FIN frame header with the mask key; returns its size.</summary>
    public static int WriteHeader(Span<byte> destination, int opcode, int length, uint maskKey)
    {
        destination[0] = (byte)(0x80 | opcode);
        int at;
        if (length < 126)
        {
            destination[1] = (byte)(0x80 | length);
            at = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)length);
            at = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)length);
            at = 10;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], maskKey);
        return at + 4;
    }

    /// <summary>XORs <paramref name="data"/> with the mask, <paramref name="offset"/> being its position in the payload.</summary>
    public static void Mask(Span<byte> data, uint maskKey, int offset)
    {
        var rotated = BitOperations.RotateRight(maskKey, 8 * (offset & 3));
        var pattern = ((ulong)rotated << 32) | rotated;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            var span = data.Slice(i, 8);
            BinaryPrimitives.WriteUInt64LittleEndian(span, BinaryPrimitives.ReadUInt64LittleEndian(span) ^ pattern);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= (byte)(rotated >> (8 * (i & 3)));
        }
    }
}
