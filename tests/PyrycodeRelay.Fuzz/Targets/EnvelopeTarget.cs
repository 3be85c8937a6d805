using System.Text;
using System.Text.Json;
using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Tests.Forwarding.Codec;

namespace PyrycodeRelay.Fuzz.Targets;

/// <summary>
/// <see cref="EnvelopeParser.Parse"/> (docs/protocol.md#envelope-fields, #envelope-classification): never throws, classifies exactly as a DOM-based
/// reading of the spec table (validity judged by the independent <see cref="ReferenceJson"/>), returns the exact
/// byte span of <c>frame</c>, and a Data envelope re-written by <see cref="EnvelopeWriter"/> parses back to the
/// identical conn_id and frame bytes.
/// </summary>
internal sealed class EnvelopeTarget : IFuzzTarget
{
    private static readonly JsonDocumentOptions DocOptions = new() { MaxDepth = 4 * CodecLimits.MaxEnvelopeDepth };

    public string Name => "envelope";

    // JsonDocument (oracle) allocates; the parser itself allocates only an exception on the malformed path.
    public long AllocationBudget(int inputLength) => (1L << 20) + (64L * inputLength);

    public void Run(ReadOnlySpan<byte> data)
    {
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        var envelope = EnvelopeParser.Parse(data, scratch);
        var expected = Classify(data, out var frame, out var connId, out var closeCode);
        InvariantException.Check(envelope.Kind == expected, $"kind {envelope.Kind}, reference {expected}");
        if (expected is EnvelopeKind.Data or EnvelopeKind.CloseDirective)
        {
            InvariantException.Check(envelope.Frame.SequenceEqual(frame), "frame span differs from the value's raw bytes");
            InvariantException.Check(envelope.CloseCode == closeCode, $"close_code {envelope.CloseCode}, reference {closeCode}");
            var connIdBytes = Encoding.UTF8.GetBytes(connId!);
            var fits = connIdBytes.Length <= CodecLimits.MaxConnIdBytes && !HasLoneSurrogate(connId!);
            InvariantException.Check(envelope.ConnIdMatchable == fits, $"matchable {envelope.ConnIdMatchable}, reference {fits}");
            if (fits)
            {
                InvariantException.Check(envelope.ConnId.SequenceEqual(connIdBytes), "unescaped conn_id differs");
            }

            // Real conn_ids are visible ASCII (docs/protocol.md#identifiers); the writer escapes only `"` and `\`, so a conn_id
            // with a control character has no round trip and is out of the writer's domain.
            if (expected == EnvelopeKind.Data && fits && !connIdBytes.Any(b => b < 0x20))
            {
                RoundTrip(connIdBytes, envelope.Frame);
            }
        }
    }

    /// <summary>wrap → parse returns the identical conn_id and frame bytes.</summary>
    private static void RoundTrip(byte[] connId, ReadOnlySpan<byte> frame)
    {
        var buffer = new byte[EnvelopeWriter.GetFrameEnvelopeLength(connId, frame.Length)];
        var n = EnvelopeWriter.WriteFrameEnvelope(connId, frame, buffer);
        InvariantException.Check(n == buffer.Length, "envelope length");
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        var back = EnvelopeParser.Parse(buffer, scratch);
        InvariantException.Check(back.Kind == EnvelopeKind.Data && back.ConnIdMatchable, $"re-parsed envelope is {back.Kind}");
        InvariantException.Check(back.ConnId.SequenceEqual(connId) && back.Frame.SequenceEqual(frame), "wrap → parse changed the conn_id or the frame bytes");
    }

    /// <summary>The spec's table read off a DOM (last occurrence of a key wins).</summary>
    private static EnvelopeKind Classify(ReadOnlySpan<byte> data, out byte[] frame, out string? connId, out int closeCode)
    {
        frame = [];
        connId = null;
        closeCode = 0;
        if (!ReferenceJson.IsValid(data, CodecLimits.MaxEnvelopeDepth))
        {
            return EnvelopeKind.Malformed;
        }

        using var doc = JsonDocument.Parse(data.ToArray(), DocOptions);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            return EnvelopeKind.Malformed;
        }

        JsonElement? conn = null, fr = null, code = null, wake = null;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            string name;
            try
            {
                name = p.Name;
            }
            catch (InvalidOperationException)
            {
                continue; // a key with a lone surrogate escape equals no known key
            }

            switch (name)
            {
                case "conn_id": conn = p.Value; break;
                case "frame": fr = p.Value; break;
                case "close_code": code = p.Value; break;
                case "push_wake": wake = p.Value; break;
                default: break;
            }
        }

        if (conn is { ValueKind: not (JsonValueKind.String or JsonValueKind.Null) })
        {
            return EnvelopeKind.Malformed;
        }

        if (code is { ValueKind: not JsonValueKind.Null } c)
        {
            var raw = c.GetRawText();
            if (c.ValueKind != JsonValueKind.Number || raw.Any(ch => ch is < '0' or > '9') || raw.Length > 5 || int.Parse(raw, System.Globalization.CultureInfo.InvariantCulture) > 65535)
            {
                return EnvelopeKind.Malformed;
            }

            closeCode = int.Parse(raw, System.Globalization.CultureInfo.InvariantCulture);
        }

        var hasConn = conn is { ValueKind: JsonValueKind.String } s && s.GetRawText().Length > 2;
        var hasWake = wake is { ValueKind: not JsonValueKind.Null };
        var hasFrame = fr is { ValueKind: not JsonValueKind.Null };
        if (!hasConn)
        {
            return hasWake ? EnvelopeKind.WakeRequest : EnvelopeKind.MissingConnId;
        }

        try
        {
            connId = conn!.Value.GetString();
        }
        catch (InvalidOperationException)
        {
            connId = "\ud800"; // a lone surrogate escape: valid JSON, no UTF-8 form, never matchable
        }

        frame = hasFrame ? JsonMarshal(fr!.Value) : [];
        if (closeCode == 0 && !hasFrame)
        {
            return EnvelopeKind.MissingFrame;
        }

        return closeCode == 0 ? EnvelopeKind.Data : EnvelopeKind.CloseDirective;
    }

    private static byte[] JsonMarshal(JsonElement e) => System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e).ToArray();

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }

    public IEnumerable<byte[]> Seeds()
    {
        string[] seeds =
        [
            "{\"conn_id\":\"client-s1-00000000deadbeef\",\"frame\":{\"type\":\"hello\",\"x\":[1,2,3]}}",
            "{\"conn_id\":\"client-s1-00000000deadbeef\",\"frame\":\"abc\"}",
            "{\"conn_id\":\"client-s1-00000000deadbeef\",\"frame\":null,\"close_code\":4401}",
            "{\"conn_id\":\"client-a\\\"b\\\\c-00000000deadbeef\",\"frame\":[ 1 , 2 ]}",
            "{\"conn\\u005fid\":\"c\",\"frame\":1,\"frame\":2}",
            "{\"push_wake\":{\"platform\":\"fcm\",\"token\":\"T\"}}",
            "{\"conn_id\":\"\",\"frame\":{}}",
            "{\"conn_id\":null,\"close_code\":0}",
            "{\"conn_id\":\"x\",\"close_code\":65535}",
            "{\"conn_id\":\"x\",\"close_code\":-0,\"frame\":1}",
            "{\"conn_id\":\"x\",\"frame\":1e5,\"close_code\":1.0}",
            "{\"conn_id\":\"\\ud83d\\ude00\",\"frame\":true}",
            "  {\"conn_id\":\"x\",\"frame\":\"\\u00e9\"}  ",
            "[]",
            "not-json",
        ];
        return seeds.Select(Encoding.UTF8.GetBytes);
    }
}
