using PyrycodeRelay.Forwarding.Codec;
using static PyrycodeRelay.Tests.Forwarding.Codec.CodecTestData;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>docs/protocol.md#envelope-fields: field types, none values, duplicates, escaped keys.</summary>
public class EnvelopeParserFieldTests
{
    [Theory]
    [InlineData("0", EnvelopeKind.Data, 0)]
    [InlineData("null", EnvelopeKind.Data, 0)]
    [InlineData("1", EnvelopeKind.CloseDirective, 1)]
    [InlineData("4401", EnvelopeKind.CloseDirective, 4401)]
    [InlineData("65535", EnvelopeKind.CloseDirective, 65535)]
    [InlineData("65536", EnvelopeKind.Malformed, 0)]
    [InlineData("99999", EnvelopeKind.Malformed, 0)]
    [InlineData("100000", EnvelopeKind.Malformed, 0)]
    [InlineData("4294971697", EnvelopeKind.Malformed, 0)]
    [InlineData("-1", EnvelopeKind.Malformed, 0)]
    [InlineData("-0", EnvelopeKind.Malformed, 0)]
    [InlineData("-4401", EnvelopeKind.Malformed, 0)]
    [InlineData("1.0", EnvelopeKind.Malformed, 0)]
    [InlineData("4401.0", EnvelopeKind.Malformed, 0)]
    [InlineData("1e3", EnvelopeKind.Malformed, 0)]
    [InlineData("1E3", EnvelopeKind.Malformed, 0)]
    [InlineData("4e0", EnvelopeKind.Malformed, 0)]
    [InlineData("\"4401\"", EnvelopeKind.Malformed, 0)]
    [InlineData("\"\"", EnvelopeKind.Malformed, 0)]
    [InlineData("true", EnvelopeKind.Malformed, 0)]
    [InlineData("false", EnvelopeKind.Malformed, 0)]
    [InlineData("[]", EnvelopeKind.Malformed, 0)]
    [InlineData("[4401]", EnvelopeKind.Malformed, 0)]
    [InlineData("{}", EnvelopeKind.Malformed, 0)]
    [InlineData("04401", EnvelopeKind.Malformed, 0)]
    public void Close_code_types(string closeCode, object kindValue, int code)
    {
        var kind = (EnvelopeKind)kindValue;
        var e = ParsedEnvelope.Parse($$"""{"conn_id":"client-s1-0123456789abcdef","frame":{},"close_code":{{closeCode}}}""");

        Assert.Equal(kind, e.Kind);
        Assert.Equal(code, e.CloseCode);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("[\"client-s1-0123456789abcdef\"]")]
    [InlineData("{\"id\":\"client-s1-0123456789abcdef\"}")]
    public void Conn_id_of_the_wrong_type_is_malformed(string connId)
    {
        Assert.Equal(EnvelopeKind.Malformed, ParsedEnvelope.Parse("{\"conn_id\":" + connId + ",\"frame\":{}}").Kind);
        // Malformed wins over a wake request.
        Assert.Equal(EnvelopeKind.Malformed, ParsedEnvelope.Parse("{\"conn_id\":" + connId + ",\"push_wake\":{}}").Kind);
    }

    [Theory]
    [InlineData("""{"push_wake":{"platform":"fcm","token":"T"}}""", """{"platform":"fcm","token":"T"}""")]
    [InlineData("""{"conn_id":null,"push_wake":{"platform":"fcm","token":"T"}}""", """{"platform":"fcm","token":"T"}""")]
    [InlineData("""{"conn_id":"","push_wake": [ 1 ] ,"frame":{"x":1}}""", "[ 1 ]")]
    [InlineData("""{"push_wake":false}""", "false")]
    [InlineData("""{"push_wake":0}""", "0")]
    [InlineData("""{"push_wake":""}""", "\"\"")]
    [InlineData("""{"push_wake":{},"close_code":4401}""", "{}")]
    public void Wake_requests(string message, string pushWake)
    {
        var e = ParsedEnvelope.Parse(message);

        Assert.Equal(EnvelopeKind.WakeRequest, e.Kind);
        Assert.Equal(pushWake, e.PushWake);
        Assert.Null(e.Error);
        Assert.Null(e.ConnId);
    }

    [Theory]
    [InlineData("""{"push_wake":null}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"push_wake":null,"frame":{}}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"push_wake":{},"close_code":"x"}""", EnvelopeKind.Malformed)]
    [InlineData("""{"push_wake":{},"close_code":-1}""", EnvelopeKind.Malformed)]
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","push_wake":{"platform":"fcm","token":"T"},"frame":1}""", EnvelopeKind.Data)]
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","push_wake":{"platform":"fcm","token":"T"},"close_code":4401}""", EnvelopeKind.CloseDirective)]
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","push_wake":{"platform":"fcm","token":"T"}}""", EnvelopeKind.MissingFrame)]
    [InlineData("{}", EnvelopeKind.MissingConnId)]
    [InlineData("""{"other":1}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"conn_id":"x","frame":null,"close_code":0}""", EnvelopeKind.MissingFrame)]
    [InlineData("""{"conn_id":"x","frame":null,"close_code":null}""", EnvelopeKind.MissingFrame)]
    [InlineData("""{"conn_id":"x","frame":0,"close_code":0}""", EnvelopeKind.Data)]
    public void Classification_order(string message, object kindValue)
    {
        var kind = (EnvelopeKind)kindValue;
        Assert.Equal(kind, ParsedEnvelope.Parse(message).Kind);
    }

    [Theory]
    [InlineData("""{"conn_id":"a","conn_id":"b","frame":1}""", EnvelopeKind.Data, "b", "1", 0)]
    [InlineData("""{"conn_id":1,"conn_id":"b","frame":1}""", EnvelopeKind.Data, "b", "1", 0)]
    [InlineData("""{"conn_id":"a","conn_id":1,"frame":1}""", EnvelopeKind.Malformed, null, null, 0)]
    [InlineData("""{"conn_id":"a","conn_id":null,"frame":1}""", EnvelopeKind.MissingConnId, null, null, 0)]
    [InlineData("""{"conn_id":"a","conn_id":"","frame":1}""", EnvelopeKind.MissingConnId, null, null, 0)]
    [InlineData("""{"conn_id":"a","frame":1,"frame":null}""", EnvelopeKind.MissingFrame, null, null, 0)]
    [InlineData("""{"conn_id":"a","frame":null,"frame":[2]}""", EnvelopeKind.Data, "a", "[2]", 0)]
    [InlineData("""{"conn_id":"a","frame":{"x":1},"frame":"y"}""", EnvelopeKind.Data, "a", "\"y\"", 0)]
    [InlineData("""{"conn_id":"a","frame":1,"close_code":"x","close_code":4401}""", EnvelopeKind.CloseDirective, "a", "1", 4401)]
    [InlineData("""{"conn_id":"a","frame":1,"close_code":4401,"close_code":"x"}""", EnvelopeKind.Malformed, null, null, 0)]
    [InlineData("""{"conn_id":"a","frame":1,"close_code":4401,"close_code":0}""", EnvelopeKind.Data, "a", "1", 0)]
    [InlineData("""{"conn_id":"a","frame":1,"close_code":4401,"close_code":null}""", EnvelopeKind.Data, "a", "1", 0)]
    [InlineData("""{"conn_id":"a","close_code":4401,"close_code":4402}""", EnvelopeKind.CloseDirective, "a", null, 4402)]
    [InlineData("""{"push_wake":1,"push_wake":null}""", EnvelopeKind.MissingConnId, null, null, 0)]
    public void Duplicate_keys_last_occurrence_wins(string message, object kindValue, string? connId, string? frame, int code)
    {
        var kind = (EnvelopeKind)kindValue;
        var e = ParsedEnvelope.Parse(message);

        Assert.Equal(kind, e.Kind);
        Assert.Equal(connId, e.ConnId);
        if (kind is EnvelopeKind.Data or EnvelopeKind.CloseDirective)
        {
            Assert.Equal(frame, e.Frame);
            Assert.Equal(code, e.CloseCode);
        }
    }

    [Theory]
    [InlineData("""{"conn\u005fid":"a","fr\u0061me":1}""", EnvelopeKind.Data)]
    [InlineData("""{"\u0063\u006f\u006e\u006e\u005f\u0069\u0064":"a","\u0066rame":1}""", EnvelopeKind.Data)]
    [InlineData("""{"conn_id":"a","\u0063lose_code":4401}""", EnvelopeKind.CloseDirective)]
    [InlineData("""{"conn_id":"a","frame":1,"close\u005Fcode":"x"}""", EnvelopeKind.Malformed)]
    [InlineData("""{"push\u005Fwake":{}}""", EnvelopeKind.WakeRequest)]
    [InlineData("""{"conn\/id":"a","frame":1}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"Conn_id":"a","frame":1}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"CONN_ID":"a","frame":1}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"conn_id ":"a","frame":1}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"conn_id\u0000":"a","frame":1}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"conn_id\ud800":"a","frame":1}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"\u0063onn_id_but_much_longer_than_any_known_key":"a","frame":1}""", EnvelopeKind.MissingConnId)]
    [InlineData("""{"conn_id":"a","Frame":1}""", EnvelopeKind.MissingFrame)]
    public void Keys_are_case_sensitive_and_compared_unescaped(string message, object kindValue)
    {
        var kind = (EnvelopeKind)kindValue;
        Assert.Equal(kind, ParsedEnvelope.Parse(message).Kind);
    }

    [Theory]
    [InlineData("""{"x":{"conn_id":"evil","frame":2},"conn_id":"a","frame":1}""", "a", "1")]
    [InlineData("""{"conn_id":"a","x":[{"frame":2}],"frame":1,"y":null,"z":"frame"}""", "a", "1")]
    [InlineData("""{"conn_id":"a","frame":{"conn_id":"b","frame":{"frame":3}}}""", "a", """{"conn_id":"b","frame":{"frame":3}}""")]
    public void Unknown_and_nested_keys_are_ignored(string message, string connId, string frame)
    {
        var e = ParsedEnvelope.Parse(message);

        Assert.Equal(EnvelopeKind.Data, e.Kind);
        Assert.Equal(connId, e.ConnId);
        Assert.Equal(frame, e.Frame);
    }

    [Fact]
    public void Nested_known_keys_do_not_count_at_top_level()
    {
        Assert.Equal(EnvelopeKind.MissingConnId, ParsedEnvelope.Parse("""{"x":{"conn_id":"a","frame":1}}""").Kind);
    }

    [Fact]
    public void Scratch_shorter_than_the_longest_conn_id_is_refused()
    {
        byte[] message = Utf8("""{"conn_id":"a","frame":1}""");
        var scratch = new byte[CodecLimits.MaxConnIdBytes - 1];

        Assert.Equal(152, CodecLimits.MaxConnIdBytes);
        Assert.Throws<ArgumentException>(() => EnvelopeParser.Parse(message, scratch));
    }
}
