using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// RFC 6455 framing on the test side: client frames built with exact control (fragments, bad masks, reserved
/// bits, a declared length that lies) and server frames parsed with every header bit kept.
/// </summary>
internal static class WsFrames
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

    /// <summary>The mask key of the <see cref="WsOpcode"/> overload, so frames fed to a pipe are reproducible.</summary>
    public const uint FixedMaskKey = 0x37FA213D;

    /// <summary>
    /// Builds one frame. Client frames are masked (with <paramref name="maskKey"/>, or a random key) unless
    /// <paramref name="mask"/> is false; the header declares <paramref name="declaredLength"/> when given (the
    /// payload written is still <paramref name="payload"/>).
    /// </summary>
    public static byte[] Build(int opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, int rsv = 0,
        long? declaredLength = null, uint? maskKey = null)
    {
        var declared = declaredLength ?? payload.Length;
        var lengthBytes = declared < 126 ? 0 : declared <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + lengthBytes + (mask ? 4 : 0) + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F));
        var pos = 2;
        if (lengthBytes == 0)
        {
            frame[1] = (byte)declared;
        }
        else if (lengthBytes == 2)
        {
            frame[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)declared);
            pos = 4;
        }
        else
        {
            frame[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)declared);
            pos = 10;
        }

        if (!mask)
        {
            payload.CopyTo(frame.AsSpan(pos));
            return frame;
        }

        frame[1] |= 0x80;
        Span<byte> key = stackalloc byte[4];
        if (maskKey is { } fixedKey)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(key, fixedKey);
        }
        else
        {
            RandomNumberGenerator.Fill(key);
        }

        key.CopyTo(frame.AsSpan(pos));
        pos += 4;
        for (var i = 0; i < payload.Length; i++)
        {
            frame[pos + i] = (byte)(payload[i] ^ key[i & 3]);
        }

        return frame;
    }

    /// <summary>A frame for the unit tests that feed a <see cref="WsConnection"/> directly (masked with <see cref="FixedMaskKey"/>).</summary>
    public static byte[] Build(WsOpcode opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, int rsv = 0) =>
        Build((int)opcode, payload, fin, mask, rsv, maskKey: FixedMaskKey);

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

    /// <summary>A masked close frame with <paramref name="code"/> (none when null) and <paramref name="reason"/>.</summary>
    public static byte[] CloseFrame(int? code, string reason = "") => Build(Close, ClosePayload(code, reason));

    /// <summary>The code and reason of a close payload; (0, "") for an empty one.</summary>
    public static (int Code, string Reason) ParseClose(ReadOnlySpan<byte> payload) =>
        payload.Length < 2 ? (0, "") : (BinaryPrimitives.ReadUInt16BigEndian(payload), Encoding.UTF8.GetString(payload[2..]));

    /// <summary>
    /// Parses one whole frame at the start of <paramref name="buffer"/> (masked or not); false when the buffer
    /// does not hold a whole frame yet. <paramref name="consumed"/> is the frame's size.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out RawFrame frame, out int consumed)
    {
        frame = null!;
        consumed = 0;
        if (buffer.Length < 2)
        {
            return false;
        }

        var masked = (buffer[1] & 0x80) != 0;
        long length = buffer[1] & 0x7F;
        var pos = 2;
        if (length == 126)
        {
            if (buffer.Length < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
            pos = 4;
        }
        else if (length == 127)
        {
            if (buffer.Length < 10)
            {
                return false;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(buffer[2..]);
            pos = 10;
        }

        var keyAt = pos;
        pos += masked ? 4 : 0;
        if (buffer.Length < pos + length)
        {
            return false;
        }

        var payload = buffer.Slice(pos, (int)length).ToArray();
        if (masked)
        {
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= buffer[keyAt + (i & 3)];
            }
        }

        frame = new RawFrame((buffer[0] & 0x80) != 0, (buffer[0] >> 4) & 0x7, buffer[0] & 0x0F, masked, payload);
        consumed = pos + (int)length;
        return true;
    }
}
