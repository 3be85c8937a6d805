using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.WebSockets;

/// <summary>Test-side RFC 6455 framing: masked client frames out, unmasked server frames in.</summary>
internal static class FrameCodec
{
    public static byte[] Client(WsOpcode opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, byte rsv = 0, uint maskKey = 0x37FA213D)
    {
        var length = payload.Length;
        var headerSize = 2 + (length < 126 ? 0 : length <= ushort.MaxValue ? 2 : 8) + (mask ? 4 : 0);
        var frame = new byte[headerSize + length];
        frame[0] = (byte)((fin ? 0x80 : 0) | (rsv << 4) | (byte)opcode);
        var at = 2;
        if (length < 126)
        {
            frame[1] = (byte)length;
        }
        else if (length <= ushort.MaxValue)
        {
            frame[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
            at = 4;
        }
        else
        {
            frame[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)length);
            at = 10;
        }

        if (mask)
        {
            frame[1] |= 0x80;
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(at), maskKey);
            at += 4;
            for (var i = 0; i < length; i++)
            {
                frame[at + i] = (byte)(payload[i] ^ (byte)(maskKey >> (i % 4 * 8)));
            }
        }
        else
        {
            payload.CopyTo(frame.AsSpan(at));
        }

        return frame;
    }

    public static byte[] ClientClose(int code, string reason = "")
    {
        var payload = new byte[2 + System.Text.Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        System.Text.Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return Client(WsOpcode.Close, payload);
    }

    /// <summary>Reads one server frame (unmasked, FIN expected) from <paramref name="reader"/>; fails after 5 s.</summary>
    public static async Task<(WsOpcode Opcode, byte[] Payload)> ReadServerFrameAsync(PipeReader reader)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var result = await reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            if (buffer.Length >= 2)
            {
                var header = new byte[Math.Min(10, (int)buffer.Length)];
                buffer.Slice(0, header.Length).CopyTo(header);
                Assert.Equal(0x80, header[0] & 0xF0); // FIN, no RSV
                Assert.Equal(0, header[1] & 0x80);    // server frames are not masked
                long len = header[1] & 0x7F;
                var size = 2;
                if (len == 126 && header.Length >= 4)
                {
                    len = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
                    size = 4;
                }
                else if (len == 127 && header.Length >= 10)
                {
                    len = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(2));
                    size = 10;
                }

                if ((header[1] & 0x7F) < 126 || size > 2)
                {
                    if (buffer.Length >= size + len)
                    {
                        var payload = buffer.Slice(size, len).ToArray();
                        reader.AdvanceTo(buffer.GetPosition(size + len));
                        return ((WsOpcode)(header[0] & 0x0F), payload);
                    }
                }
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("output completed without a frame");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public static (int Code, string Reason) ParseClose(byte[] payload) =>
        payload.Length == 0 ? (0, "") : (BinaryPrimitives.ReadUInt16BigEndian(payload), System.Text.Encoding.UTF8.GetString(payload, 2, payload.Length - 2));
}
