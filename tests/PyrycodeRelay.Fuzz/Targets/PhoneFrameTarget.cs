using System.Text;
using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Tests.Forwarding.Codec;

namespace PyrycodeRelay.Fuzz.Targets;

/// <summary>
/// <see cref="PhoneFrameValidator.TryValidate(ReadOnlySpan{byte}, out int, out int)"/> (docs/protocol.md#phone-to-binary): accepts
/// exactly what the independent <see cref="ReferenceJson"/> accepts, returns the value with only the surrounding
/// JSON whitespace trimmed, and wrap (<see cref="EnvelopeWriter"/>) → parse (<see cref="EnvelopeParser"/>)
/// returns the identical frame bytes for conn_ids with and without characters that need escaping.
/// </summary>
internal sealed class PhoneFrameTarget : IFuzzTarget
{
    private static readonly byte[][] ConnIds =
    [
        "client-s1-00000000deadbeef"u8.ToArray(),
        "client-a\"b\\c-0123456789abcdef"u8.ToArray(),
        Encoding.ASCII.GetBytes("client-" + new string('~', 128) + "-ffffffffffffffff"),
    ];

    public string Name => "phone-frame";

    public long AllocationBudget(int inputLength) => (1L << 20) + (16L * inputLength);

    public void Run(ReadOnlySpan<byte> data)
    {
        var ok = PhoneFrameValidator.TryValidate(data, out int start, out int length);
        var expected = ReferenceJson.IsValid(data, CodecLimits.MaxFrameDepth) && !data.StartsWith(JsonBytes.Utf8Bom);
        InvariantException.Check(ok == expected, $"TryValidate={ok}, reference={expected}");
        if (!ok)
        {
            InvariantException.Check(start == 0 && length == 0, "failure must report 0/0");
            return;
        }

        // Only JSON whitespace may be trimmed.
        var lead = data[..start];
        var trail = data[(start + length)..];
        InvariantException.Check(length > 0 && IsWs(lead) && IsWs(trail), "trimmed more than JSON whitespace");
        var value = data.Slice(start, length);
        InvariantException.Check(!IsWs(value[..1]) && !IsWs(value[^1..]), "value starts or ends with whitespace");

        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        foreach (var connId in ConnIds)
        {
            var envelope = new byte[EnvelopeWriter.GetFrameEnvelopeLength(connId, value.Length)];
            var n = EnvelopeWriter.WriteFrameEnvelope(connId, value, envelope);
            InvariantException.Check(n == envelope.Length, "envelope length");
            InvariantException.Check(ReferenceJson.IsValid(envelope, CodecLimits.MaxEnvelopeDepth), "wrapped envelope is not valid JSON");
            var parsed = EnvelopeParser.Parse(envelope, scratch);
            if (value.SequenceEqual("null"u8))
            {
                // A phone may send `null`; wrapped, it reads as "no frame" in the binary → relay direction (docs/protocol.md#envelope-fields).
                InvariantException.Check(parsed.Kind == EnvelopeKind.MissingFrame, $"wrapped null classified {parsed.Kind}");
                continue;
            }

            InvariantException.Check(parsed.Kind == EnvelopeKind.Data, $"wrapped frame classified {parsed.Kind}");
            InvariantException.Check(parsed.Frame.SequenceEqual(value), "wrap → parse changed the frame bytes");
            InvariantException.Check(parsed.ConnIdMatchable && parsed.ConnId.SequenceEqual(connId), "wrap → parse changed the conn_id");
        }
    }

    private static bool IsWs(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    public IEnumerable<byte[]> Seeds()
    {
        string[] seeds =
        [
            "{\"v\":2,\"t\":\"probe-1\"}",
            "{\"a\": [1, null, \"\u00e9\"], \"b\": {\"c\": \"<&>\"}}",
            "[ 1 , 2 ]",
            "\"text\"",
            " \t\r\n{}\n",
            "-0.5e+10",
            "\"\\ud800\"",
            "\"\\u0000\\n\\\"\"",
            "true",
            "null",
            "{\"k\":1}x",
            "[[[[[[[[[[]]]]]]]]]]",
        ];
        return seeds.Select(Encoding.UTF8.GetBytes).Append([0xEF, 0xBB, 0xBF, (byte)'1']).Append([(byte)'"', 0xC0, 0x80, (byte)'"']);
    }
}
