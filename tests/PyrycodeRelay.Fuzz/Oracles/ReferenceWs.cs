using System.Text;

namespace PyrycodeRelay.Fuzz.Oracles;

/// <summary>
/// An independent, deliberately plain model of the relay's RFC 6455 reader (docs/protocol.md#framing-and-limits): what a server
/// must do with a client byte stream, written from the RFC and the spec, not from the relay's code.
/// </summary>
internal static class ReferenceWs
{
    /// <summary>How the reader must end.</summary>
    public enum End
    {
        /// <summary>EOF (possibly inside a frame).</summary>
        PeerGone,

        /// <summary>A valid close frame from the peer.</summary>
        PeerClosed,

        /// <summary>A message above the limit: 1009 <c>message too big</c>.</summary>
        TooBig,

        /// <summary>An RFC 6455 violation: 1002.</summary>
        ProtocolError,
    }

    /// <summary>A decoded header.</summary>
    public readonly record struct Header(bool Fin, byte Rsv, byte Opcode, bool Masked, uint MaskKey, ulong Length, bool LengthTopBitSet, int Size);

    /// <summary>The full expected outcome for one input stream.</summary>
    public sealed record Outcome(List<byte[]> Messages, End End, int PeerCloseCode, byte[] ExpectedOutput);

    /// <summary>RFC 6455 §5.2 header decoding; false when more bytes are needed.</summary>
    public static bool TryParseHeader(ReadOnlySpan<byte> s, out Header header)
    {
        header = default;
        if (s.Length < 2)
        {
            return false;
        }

        var len7 = s[1] & 0x7F;
        var size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((s[1] & 0x80) != 0 ? 4 : 0);
        if (s.Length < size)
        {
            return false;
        }

        ulong length = (ulong)len7;
        var at = 2;
        if (len7 == 126)
        {
            length = ((ulong)s[2] << 8) | s[3];
            at = 4;
        }
        else if (len7 == 127)
        {
            length = 0;
            for (var i = 0; i < 8; i++)
            {
                length = (length << 8) | s[2 + i];
            }

            at = 10;
        }

        uint key = 0;
        var masked = (s[1] & 0x80) != 0;
        if (masked)
        {
            // Wire order: key byte 0 first; stored with byte 0 in the lowest bits.
            key = s[at] | ((uint)s[at + 1] << 8) | ((uint)s[at + 2] << 16) | ((uint)s[at + 3] << 24);
        }

        header = new Header((s[0] & 0x80) != 0, (byte)((s[0] >> 4) & 7), (byte)(s[0] & 0xF), masked, key, length, (length >> 63) != 0, size);
        return true;
    }

    /// <summary>What the relay must deliver and write for <paramref name="s"/> with <paramref name="maxMessage"/>.</summary>
    public static Outcome Model(ReadOnlySpan<byte> s, int maxMessage)
    {
        var messages = new List<byte[]>();
        var output = new List<byte>();
        var message = new List<byte>();
        var inMessage = false;
        var pos = 0;
        while (true)
        {
            if (!TryParseHeader(s[pos..], out var h))
            {
                return new Outcome(messages, End.PeerGone, 0, [.. output]);
            }

            if (h.Rsv != 0 || !h.Masked || h.LengthTopBitSet)
            {
                return ProtocolError(messages, output);
            }

            var control = (h.Opcode & 0x8) != 0;
            if (control)
            {
                if (!h.Fin || h.Length > 125)
                {
                    return ProtocolError(messages, output);
                }

                if ((ulong)(s.Length - pos - h.Size) < h.Length)
                {
                    return new Outcome(messages, End.PeerGone, 0, [.. output]);
                }

                var payload = Unmask(s.Slice(pos + h.Size, (int)h.Length), h.MaskKey);
                pos += h.Size + (int)h.Length;
                switch (h.Opcode)
                {
                    case 0x9:
                        output.Add(0x8A);
                        output.Add((byte)payload.Length);
                        output.AddRange(payload);
                        continue;
                    case 0xA:
                        continue;
                    case 0x8:
                        if (payload.Length == 1)
                        {
                            return ProtocolError(messages, output);
                        }

                        if (payload.Length == 0)
                        {
                            output.Add(0x88);
                            output.Add(0);
                            return new Outcome(messages, End.PeerClosed, 1005, [.. output]);
                        }

                        var code = (payload[0] << 8) | payload[1];
                        var validCode = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
                        if (!validCode || !IsUtf8(payload.AsSpan(2)))
                        {
                            return ProtocolError(messages, output);
                        }

                        output.AddRange(new byte[] { 0x88, 2, payload[0], payload[1] });
                        return new Outcome(messages, End.PeerClosed, code, [.. output]);
                    default:
                        return ProtocolError(messages, output);
                }
            }

            switch (h.Opcode)
            {
                case 0x1 or 0x2:
                    if (inMessage)
                    {
                        return ProtocolError(messages, output);
                    }

                    inMessage = true;
                    message.Clear();
                    break;
                case 0x0:
                    if (!inMessage)
                    {
                        return ProtocolError(messages, output);
                    }

                    break;
                default:
                    return ProtocolError(messages, output);
            }

            // Exactly the limit is accepted; one byte more is 1009 (decided from the header alone).
            if (h.Length > (ulong)(maxMessage - message.Count))
            {
                var reason = "message too big"u8;
                output.AddRange(new byte[] { 0x88, (byte)(2 + reason.Length), 0x03, 0xF1 });
                output.AddRange(reason.ToArray());
                return new Outcome(messages, End.TooBig, 0, [.. output]);
            }

            if ((ulong)(s.Length - pos - h.Size) < h.Length)
            {
                return new Outcome(messages, End.PeerGone, 0, [.. output]);
            }

            message.AddRange(Unmask(s.Slice(pos + h.Size, (int)h.Length), h.MaskKey));
            pos += h.Size + (int)h.Length;
            if (h.Fin)
            {
                messages.Add([.. message]);
                inMessage = false;
            }
        }
    }

    private static Outcome ProtocolError(List<byte[]> messages, List<byte> output)
    {
        output.AddRange(new byte[] { 0x88, 2, 0x03, 0xEA });
        return new Outcome(messages, End.ProtocolError, 0, [.. output]);
    }

    private static byte[] Unmask(ReadOnlySpan<byte> masked, uint key)
    {
        var result = new byte[masked.Length];
        for (var i = 0; i < masked.Length; i++)
        {
            result[i] = (byte)(masked[i] ^ (byte)(key >> (8 * (i % 4))));
        }

        return result;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
