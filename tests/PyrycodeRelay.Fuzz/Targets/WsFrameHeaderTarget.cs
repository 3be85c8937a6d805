using System.Buffers;
using PyrycodeRelay.Fuzz.Oracles;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Fuzz.Targets;

/// <summary>
/// <see cref="WsFrameHeader.TryParse(ReadOnlySpan{byte}, out WsFrameHeader)"/>: agrees with an independent
/// RFC 6455 §5.2 decoder, gives the same answer over a contiguous span and over a sequence split at any point,
/// and round-trips <see cref="WsFrameHeader.WriteServerHeader"/>.
/// </summary>
internal sealed class WsFrameHeaderTarget : IFuzzTarget
{
    public string Name => "ws-header";

    public long AllocationBudget(int inputLength) => (1L << 20) + (512L * inputLength);

    public void Run(ReadOnlySpan<byte> data)
    {
        var ok = WsFrameHeader.TryParse(data, out var header);
        var expected = ReferenceWs.TryParseHeader(data, out var reference);
        InvariantException.Check(ok == expected, $"TryParse={ok}, reference={expected}");
        if (ok)
        {
            InvariantException.Check(
                header.Fin == reference.Fin && header.Rsv == reference.Rsv && (byte)header.Opcode == reference.Opcode
                && header.Masked == reference.Masked && header.MaskKey == reference.MaskKey && header.Size == reference.Size
                && header.PayloadLength == (reference.LengthTopBitSet ? -1 : (long)reference.Length),
                $"fields differ: parsed fin={header.Fin} rsv={header.Rsv} op={header.Opcode} masked={header.Masked} len={header.PayloadLength} size={header.Size}; reference len={reference.Length} size={reference.Size}");
            InvariantException.Check(header.Size <= data.Length && header.Size is 2 or 4 or 6 or 8 or 10 or 14, $"size {header.Size}");
            InvariantException.Check(header.IsControl == ((reference.Opcode & 0x8) != 0), "IsControl");
        }

        // The same bytes as a two-segment sequence, split at every point in the first 16 bytes.
        var limit = Math.Min(data.Length, 16);
        for (var split = 1; split < limit; split++)
        {
            var seq = Sequences.Split(data, split);
            var ok2 = WsFrameHeader.TryParse(seq, out var h2);
            InvariantException.Check(ok2 == ok, $"sequence split at {split}: {ok2} vs span {ok}");
            InvariantException.Check(!ok || (h2.Size == header.Size && h2.PayloadLength == header.PayloadLength && h2.MaskKey == header.MaskKey && h2.Opcode == header.Opcode && h2.Fin == header.Fin && h2.Rsv == header.Rsv && h2.Masked == header.Masked), $"sequence split at {split}: fields differ");
        }

        // Round trip of the server header writer with an opcode and length taken from the input.
        if (data.Length >= 9)
        {
            var opcode = (WsOpcode)(data[0] & 0x0F);
            var length = (long)(BitConverter.ToUInt64(data[1..9]) & long.MaxValue) >> (data[0] >> 4) * 4;
            Span<byte> buffer = stackalloc byte[WsFrameHeader.MaxSize];
            var written = WsFrameHeader.WriteServerHeader(buffer, opcode, length);
            InvariantException.Check(written == WsFrameHeader.ServerHeaderSize(length), "ServerHeaderSize disagrees with WriteServerHeader");
            InvariantException.Check(WsFrameHeader.TryParse(buffer[..written], out var back), "written header does not parse");
            InvariantException.Check(back.Fin && back.Rsv == 0 && !back.Masked && back.Opcode == opcode && back.PayloadLength == length && back.Size == written, $"round trip of ({opcode}, {length}) failed");
            InvariantException.Check(!WsFrameHeader.TryParse(buffer[..(written - 1)], out _), "a truncated header parsed");
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        yield return [0x81, 0x85, 1, 2, 3, 4];
        yield return [0x81, 0x05];
        yield return [0x82, 0xFE, 0x01, 0x00, 9, 9, 9, 9];
        yield return [0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4];
        yield return [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
        yield return [0x89, 0x80, 0, 0, 0, 0];
        yield return [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8];
        yield return [0x01, 0x81, 7, 7, 7, 7, 0x41];
        yield return [0xF1, 0x7D];
    }
}
