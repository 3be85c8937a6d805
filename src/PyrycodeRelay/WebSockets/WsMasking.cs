using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace PyrycodeRelay.WebSockets;

/// <summary>RFC 6455 §5.3 masking, vectorised.</summary>
internal static class WsMasking
{
    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> XOR-ing with the mask, where
    /// <paramref name="maskOffset"/> is the position within the frame payload of the first byte (mod 4).
    /// Returns the mask offset after the copied bytes. Source and destination may be the same memory.
    /// </summary>
    public static int Unmask(ReadOnlySpan<byte> source, Span<byte> destination, uint maskKey, int maskOffset)
    {
        var n = source.Length;
        if (n == 0)
        {
            return maskOffset;
        }

        // Rotate the key so that key byte (maskOffset % 4) applies to source[0].
        var shift = (maskOffset & 3) * 8;
        var key = shift == 0 ? maskKey : BitOperations.RotateRight(maskKey, shift);
        var i = 0;

        if (Vector.IsHardwareAccelerated && n >= Vector<byte>.Count)
        {
            var keyVector = new Vector<uint>(key).As<uint, byte>();
            var srcV = MemoryMarshal.Cast<byte, Vector<byte>>(source);
            var dstV = MemoryMarshal.Cast<byte, Vector<byte>>(destination);
            for (var v = 0; v < srcV.Length; v++)
            {
                dstV[v] = srcV[v] ^ keyVector;
            }

            i = srcV.Length * Vector<byte>.Count;
        }

        var key64 = ((ulong)key << 32) | key;
        for (; i + 8 <= n; i += 8)
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(source[i..]);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], value ^ key64);
        }

        for (; i < n; i++)
        {
            destination[i] = (byte)(source[i] ^ (byte)(key >> ((i & 3) * 8)));
        }

        return (maskOffset + n) & 3;
    }
}
