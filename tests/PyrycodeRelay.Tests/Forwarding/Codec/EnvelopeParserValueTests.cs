using PyrycodeRelay.Forwarding.Codec;
using static PyrycodeRelay.Tests.Forwarding.Codec.CodecTestData;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>docs/protocol.md#envelope-fields, #routing-and-delivery: exact value spans, conn_id unescaping, whole-message validity.</summary>
public class EnvelopeParserValueTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("\"abc\"")]
    [InlineData("\"\"")]
    [InlineData("0")]
    [InlineData("-1.5e+10")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("{ \"a\" : [ 1 ,\t2 ] ,\n\"b\" : { } }")]
    [InlineData("\"\\u003c&\\u003e \\\"q\\\" \\\\ \\/ \\ud800\"")]
    [InlineData("[\"é\", \"😀\", {\"k\":\"<&>\"}]")]
    public void Frame_is_the_exact_value_span(string frame)
    {
        foreach (string message in new[]
        {
            $$"""{"conn_id":"a","frame":{{frame}}}""",
            $$"""{ "frame" :  {{frame}}  , "conn_id" : "a" }""",
            $$"""{"conn_id":"a","frame":{{frame}},"close_code":4401}""",
            $$"""{"frame":{{frame}},"conn_id":"a","other":[{{frame}}]}""",
            $$"""{"conn_id":"a","frame":{{frame}}}""" + " \r\n\t",
            " \r\n\t" + $$"""{"conn_id":"a","frame":{{frame}}}""",
        })
        {
            var e = ParsedEnvelope.Parse(message);
            Assert.True(e.Kind is EnvelopeKind.Data or EnvelopeKind.CloseDirective, message);
            Assert.Equal(frame, e.Frame);
        }
    }

    [Theory]
    [InlineData("client-s1-\\u0030123456789abcdef", "client-s1-0123456789abcdef")]
    [InlineData("\\u0063\\u006C\\u0069ent-s1-0123456789abcdef", "client-s1-0123456789abcdef")]
    [InlineData("client-a\\\"b\\\\c-0000000000000001", "client-a\"b\\c-0000000000000001")]
    [InlineData("client-a\\/b-0000000000000001", "client-a/b-0000000000000001")]
    [InlineData("x\\n\\t\\r\\b\\f", "x\n\t\r\b\f")]
    [InlineData("\\u00e9\\u4e2d\\ud83d\\ude00", "é中😀")]
    [InlineData("é中😀", "é中😀")]
    public void Conn_id_is_unescaped(string jsonConnId, string expected)
    {
        var e = ParsedEnvelope.Parse($$"""{"conn_id":"{{jsonConnId}}","frame":1}""");

        Assert.Equal(EnvelopeKind.Data, e.Kind);
        Assert.True(e.ConnIdMatchable);
        Assert.Equal(expected, e.ConnId);
        Assert.Equal(jsonConnId, e.ConnIdJson);
    }

    [Fact]
    public void Conn_id_written_by_the_envelope_writer_round_trips_through_the_parser()
    {
        string connId = ConnIds.Format("we\"ird\\id", 42);
        byte[] envelope = new byte[EnvelopeWriter.GetFrameEnvelopeLength(Utf8(connId), 2)];
        EnvelopeWriter.WriteFrameEnvelope(Utf8(connId), "{}"u8, envelope);

        var e = ParsedEnvelope.Parse(envelope);

        Assert.Equal(EnvelopeKind.Data, e.Kind);
        Assert.Equal(connId, e.ConnId);
        Assert.Equal("{}", e.Frame);
        Assert.True(ConnIds.TryParseSuffix(Utf8(e.ConnId!), "we\"ird\\id", out ulong suffix));
        Assert.Equal(42UL, suffix);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("client-s1-\\udc00")]
    [InlineData("\\ud800\\u0041")]
    [InlineData("\\ude00\\ud83d")]
    public void Conn_id_with_a_lone_surrogate_escape_can_never_match(string jsonConnId)
    {
        var e = ParsedEnvelope.Parse($$"""{"conn_id":"{{jsonConnId}}","frame":1}""");

        Assert.Equal(EnvelopeKind.Data, e.Kind);
        Assert.False(e.ConnIdMatchable);
        Assert.Null(e.ConnId);
        Assert.Equal(jsonConnId, e.ConnIdJson);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(152, true)]
    [InlineData(153, false)]
    [InlineData(10000, false)]
    public void Conn_id_longer_than_152_bytes_can_never_match(int length, bool matchable)
    {
        string plain = new('c', length);
        string escaped = string.Concat(Enumerable.Repeat("\\u0063", length));

        foreach (string json in new[] { plain, escaped })
        {
            var e = ParsedEnvelope.Parse($$"""{"conn_id":"{{json}}","frame":1,"close_code":4401}""");
            Assert.Equal(EnvelopeKind.CloseDirective, e.Kind);
            Assert.Equal(matchable, e.ConnIdMatchable);
            Assert.Equal(matchable ? plain : null, e.ConnId);
            Assert.Equal("1", e.Frame);
            Assert.Equal(4401, e.CloseCode);
        }
    }

    [Fact]
    public void Long_escaped_conn_id_is_unescaped_into_the_scratch_buffer()
    {
        byte[] message = Utf8("""{"conn_id":"a\"b","frame":1}""");
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];

        BinaryEnvelope e = EnvelopeParser.Parse(message, scratch);

        Assert.True(e.ConnId.SequenceEqual("a\"b"u8));
        Assert.True(scratch[..3].SequenceEqual("a\"b"u8));
    }

    [Fact]
    public void Plain_conn_id_points_into_the_message()
    {
        byte[] message = Utf8("""{"conn_id":"abc","frame":1}""");
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];

        BinaryEnvelope e = EnvelopeParser.Parse(message, scratch);

        Assert.True(e.ConnId.Overlaps(message));
        Assert.True(e.Frame.Overlaps(message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("1")]
    [InlineData("\"x\"")]
    [InlineData("[{\"conn_id\":\"a\",\"frame\":1}]")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":1} x")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":1}}")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":1}{}")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":1,}")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":}")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":[1,2}")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":01}")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":1 /* c */}")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":\"\\x\"}")]
    [InlineData("{\"conn_id\":\"a\",\"frame\":\"a\u0001\"}")]
    [InlineData("{\"conn_id\":\"a\" \"frame\":1}")]
    [InlineData("{conn_id:\"a\",\"frame\":1}")]
    [InlineData("{'conn_id':'a','frame':1}")]
    public void Messages_that_are_not_one_json_object_are_malformed(string message)
    {
        var e = ParsedEnvelope.Parse(message);

        Assert.Equal(EnvelopeKind.Malformed, e.Kind);
        Assert.Equal("relay: malformed envelope", e.Error);
        Assert.Equal(new ParsedEnvelope(EnvelopeKind.Malformed, null, false, null, null, 0, null, "relay: malformed envelope"), e);
    }

    [Theory]
    [InlineData(@"\xEF\xBB\xBF{""conn_id"":""a"",""frame"":1}")]
    [InlineData(@"{""conn_id"":""a"",""frame"":""\xFF""}")]
    [InlineData(@"{""conn_id"":""a"",""frame"":""\xED\xA0\x80""}")]
    [InlineData(@"{""conn_id"":""a"",""frame"":""\xC0\xAF""}")]
    [InlineData(@"{""conn_id"":""\xFF"",""frame"":1}")]
    [InlineData(@"{""x\xFE"":1,""conn_id"":""a"",""frame"":1}")]
    [InlineData(@"{""conn_id"":""a"",""frame"":1}\xFF")]
    [InlineData(@"{""conn_id"":""a"",""frame"":1,""push_wake"":""\xE2\x82""}")]
    public void Invalid_utf8_anywhere_or_a_bom_is_malformed(string notation)
    {
        Assert.Equal(EnvelopeKind.Malformed, ParsedEnvelope.Parse(Bytes(notation)).Kind);
    }

    [Theory]
    [InlineData(64, EnvelopeKind.Data)]
    [InlineData(65, EnvelopeKind.Data)]
    [InlineData(CodecLimits.MaxFrameDepth, EnvelopeKind.Data)]
    [InlineData(CodecLimits.MaxFrameDepth + 1, EnvelopeKind.Malformed)]
    public void Frames_nested_up_to_the_frame_bound_are_accepted(int depth, object kindValue)
    {
        var kind = (EnvelopeKind)kindValue;
        string frame = Nested('[', ']', depth);
        var e = ParsedEnvelope.Parse($$"""{"conn_id":"a","frame":{{frame}}}""");

        Assert.Equal(kind, e.Kind);
        Assert.Equal(kind == EnvelopeKind.Data ? frame : null, e.Frame);
    }
}
