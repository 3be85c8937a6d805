using System.Text;
using System.Text.Json;
using PyrycodeRelay.Forwarding.Codec;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>Randomized (fixed-seed) properties of the codec, checked against an independent oracle.</summary>
public class CodecPropertyTests
{
    private static readonly byte[] InterestingBytes =
    [
        (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'"', (byte)'\\', (byte)':', (byte)',', (byte)'0', (byte)'1',
        (byte)'-', (byte)'+', (byte)'.', (byte)'e', (byte)'u', (byte)'t', (byte)'n', (byte)'a', (byte)' ', (byte)'\t',
        (byte)'\n', (byte)'\r', 0x00, 0x0C, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
    ];

    [Fact]
    public void Wrapping_then_parsing_returns_the_exact_frame_bytes()
    {
        var rng = new Random(20240601);
        var gen = new RandomJson(rng);
        var docOptions = new JsonDocumentOptions { MaxDepth = 2 * CodecLimits.MaxFrameDepth };
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];

        for (int n = 0; n < 3000; n++)
        {
            string value = gen.Value(6);
            byte[] valueBytes = Encoding.UTF8.GetBytes(value);
            byte[] payload = Encoding.UTF8.GetBytes(gen.Ws() + value + gen.Ws());
            Assert.True(ReferenceJson.IsValid(payload, CodecLimits.MaxFrameDepth), value);

            Assert.True(PhoneFrameValidator.TryValidate(payload, out ReadOnlySpan<byte> trimmed), value);
            Assert.Equal(valueBytes, trimmed.ToArray());

            string connId = ConnIds.Format(RandomServerId(rng), (ulong)rng.NextInt64());
            byte[] id = Encoding.UTF8.GetBytes(connId);
            var envelope = new byte[EnvelopeWriter.GetFrameEnvelopeLength(id, trimmed.Length)];
            Assert.Equal(envelope.Length, EnvelopeWriter.WriteFrameEnvelope(id, trimmed, envelope));
            Assert.True(ReferenceJson.IsValid(envelope, CodecLimits.MaxEnvelopeDepth));

            // A phone frame `null` is forwarded as "frame":null, which a binary's envelope would treat as none.
            BinaryEnvelope parsed = EnvelopeParser.Parse(envelope, scratch);
            if (value == "null")
            {
                Assert.Equal(EnvelopeKind.MissingFrame, parsed.Kind);
                continue;
            }

            Assert.Equal(EnvelopeKind.Data, parsed.Kind);
            Assert.True(parsed.ConnIdMatchable);
            Assert.Equal(id, parsed.ConnId.ToArray());
            Assert.Equal(valueBytes, parsed.Frame.ToArray());

            // An independent parser agrees on the conn_id and the key order.
            using var doc = JsonDocument.Parse(envelope, docOptions);
            Assert.Equal(connId, doc.RootElement.GetProperty("conn_id").GetString());
            Assert.Equal(value, doc.RootElement.GetProperty("frame").GetRawText());
        }
    }

    [Fact]
    public void Validator_and_parser_agree_with_an_independent_oracle_on_mutated_input()
    {
        var rng = new Random(8259);
        var gen = new RandomJson(rng);
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        int valid = 0, invalid = 0;

        for (int n = 0; n < 20000; n++)
        {
            byte[] payload = Mutate(rng, Encoding.UTF8.GetBytes(gen.Ws() + gen.Value(4) + gen.Ws()));

            bool expected = ReferenceJson.IsValid(payload, CodecLimits.MaxFrameDepth);
            bool actual = PhoneFrameValidator.TryValidate(payload, out int start, out int length);
            Assert.True(expected == actual, $"oracle {expected}, validator {actual}: {Convert.ToHexString(payload)}");
            _ = expected ? valid++ : invalid++;

            byte[] envelope = [.. "{\"conn_id\":\"a\",\"frame\":"u8, .. payload, .. "}"u8];
            BinaryEnvelope parsed = EnvelopeParser.Parse(envelope, scratch);
            if (!ReferenceJson.IsValid(envelope, CodecLimits.MaxEnvelopeDepth))
            {
                Assert.Equal(EnvelopeKind.Malformed, parsed.Kind);
            }

            if (actual && !payload.AsSpan(start, length).SequenceEqual("null"u8))
            {
                Assert.Equal(EnvelopeKind.Data, parsed.Kind);
                Assert.Equal(payload.AsSpan(start, length).ToArray(), parsed.Frame.ToArray());
            }
        }

        // The mutations exercise both outcomes substantially.
        Assert.True(valid > 2000, $"valid {valid}");
        Assert.True(invalid > 10000, $"invalid {invalid}");
    }

    private static string RandomServerId(Random rng)
    {
        var chars = new char[1 + rng.Next(rng.Next(4) == 0 ? 128 : 40)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = rng.Next(8) == 0 ? (rng.Next(2) == 0 ? '"' : '\\') : (char)rng.Next(0x21, 0x7F);
        }

        return new string(chars);
    }

    private static byte[] Mutate(Random rng, byte[] input)
    {
        var bytes = new List<byte>(input);
        int mutations = rng.Next(4);
        for (int m = 0; m < mutations; m++)
        {
            int at = rng.Next(bytes.Count + 1);
            byte b = InterestingBytes[rng.Next(InterestingBytes.Length)];
            switch (rng.Next(3))
            {
                case 0 when at < bytes.Count:
                    bytes[at] = b;
                    break;
                case 1 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.Insert(at, b);
                    break;
            }
        }

        return bytes.ToArray();
    }
}
