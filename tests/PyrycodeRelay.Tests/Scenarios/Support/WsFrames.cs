using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>A raw RFC 6455 frame writer for exact frame control (fragments, bad masks, reserved bits).</summary>
public static class WsFrames
{
    /// <summary>Continuation opcode.</summary>
    public const int Continuation = 0x0;

    /// <summary>Text opcode.</summary>
    public const int Text = 0x1;

    /// <summary>Binary opcode.</summary>
    public const int Binary = 0x2;

    /// <summary>Close opcode.</summary>
    public const int Close = 0x8;

    /// <summary>Ping opcode.</summary>
    public const int Ping = 0x9;

    /// <summary>Pong opcode.</summary>
    public const int Pong = 0xA;

    /// <summary>Builds one frame; client frames are masked with a random key unless <paramref name="mask"/> is false.</summary>
    public static byte[] Build(int opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, int rsv = 0)
    {
        var length = payload.Length;
        var lengthBytes = length < 126 ? 0 : length <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + lengthBytes + (mask ? 4 : 0) + length];
        frame[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F));
        var pos = 2;
        if (lengthBytes == 0)
        {
            frame[1] = (byte)length;
        }
        else if (lengthBytes == 2)
        {
            frame[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
            pos = 4;
        }
        else
        {
            frame[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)length);
            pos = 10;
        }

        if (!mask)
        {
            payload.CopyTo(frame.AsSpan(pos));
            return frame;
        }

        frame[1] |= 0x80;
        Span<byte> key = stackalloc byte[4];
        RandomNumberGenerator.Fill(key);
        key.CopyTo(frame.AsSpan(pos));
        pos += 4;
        for (var i = 0; i < length; i++)
        {
            frame[pos + i] = (byte)(payload[i] ^ key[i & 3]);
        }

        return frame;
    }

    /// <summary>A masked text frame.</summary>
    public static byte[] Text1(string text, bool fin = true) => Build(Text, Encoding.UTF8.GetBytes(text), fin);

    /// <summary>The payload of a close frame: status code (if any) and UTF-8 reason.</summary>
    public static byte[] ClosePayload(int? code, string reason = "")
    {
        if (code is null)
        {
            return [];
        }

        var reasonBytes = Encoding.UTF8.GetBytes(reason);
        var payload = new byte[2 + reasonBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code.Value);
        reasonBytes.CopyTo(payload, 2);
        return payload;
    }
}
