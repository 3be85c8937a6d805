using System.Buffers;
using System.Text;
using System.Text.Json;
using PyrycodeRelay.Forwarding.Codec;
using static PyrycodeRelay.Tests.Forwarding.Codec.CodecTestData;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

public class EnvelopeWriterTests
{
    [Theory]
    // Scenario 64.
    [InlineData(P1, """{"v":2,"t":"probe-1"}""", """{"conn_id":"client-s1-0123456789abcdef","frame":{"v":2,"t":"probe-1"}}""")]
    // Scenario 65: payload bytes kept verbatim (inner spaces, non-ASCII, <&>).
    [InlineData(P1, """{"a": [1, null, "é"], "b": {"c": "<&>"}}""", """{"conn_id":"client-s1-0123456789abcdef","frame":{"a": [1, null, "é"], "b": {"c": "<&>"}}}""")]
    [InlineData(P1, "[ 1 , 2 ]", """{"conn_id":"client-s1-0123456789abcdef","frame":[ 1 , 2 ]}""")]
    [InlineData(P1, "\"text\"", """{"conn_id":"client-s1-0123456789abcdef","frame":"text"}""")]
    // Escapes inside the payload are not touched.
    [InlineData(P1, "\"\\u003c\\/\\\"x\"", """{"conn_id":"client-s1-0123456789abcdef","frame":"\u003c\/\"x"}""")]
    // Only " and \ are escaped in the conn_id.
    [InlineData("client-a\"b\\c-0000000000000001", "1", """{"conn_id":"client-a\"b\\c-0000000000000001","frame":1}""")]
    [InlineData("client-<&>'/+=-0000000000000001", "null", """{"conn_id":"client-<&>'/+=-0000000000000001","frame":null}""")]
    [InlineData("client-\"\"\\\\-0000000000000001", "[]", """{"conn_id":"client-\"\"\\\\-0000000000000001","frame":[]}""")]
    public void Data_envelope_has_the_exact_bytes(string connId, string payload, string expected)
    {
        byte[] id = Utf8(connId);
        byte[] frame = Utf8(payload);
        byte[] want = Utf8(expected);

        Assert.Equal(want.Length, EnvelopeWriter.GetFrameEnvelopeLength(id, frame.Length));

        var buffer = new byte[want.Length + 7];
        int written = EnvelopeWriter.WriteFrameEnvelope(id, frame, buffer);
        Assert.Equal(want, buffer.AsSpan(0, written).ToArray());

        var writer = new ArrayBufferWriter<byte>();
        EnvelopeWriter.WriteFrameEnvelope(id, frame, writer);
        Assert.Equal(want, writer.WrittenSpan.ToArray());

        // Spliced form: prefix + payload + suffix.
        int prefixLength = EnvelopeWriter.GetFramePrefixLength(id);
        var prefix = new byte[prefixLength];
        Assert.Equal(prefixLength, EnvelopeWriter.WriteFramePrefix(id, prefix));
        Assert.Equal(prefix, EnvelopeWriter.CreateFramePrefix(id));
        byte[] spliced = [.. prefix, .. frame, .. EnvelopeWriter.FrameSuffix];
        Assert.Equal(want, spliced);
    }

    [Fact]
    public void Every_visible_ascii_byte_but_quote_and_backslash_is_written_unescaped()
    {
        var serverId = new StringBuilder();
        for (char c = '!'; c <= '~'; c++)
        {
            serverId.Append(c);
        }

        string connId = "client-" + serverId + "-0123456789abcdef";
        string escaped = connId.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        byte[] prefix = EnvelopeWriter.CreateFramePrefix(Utf8(connId));

        Assert.Equal("{\"conn_id\":\"" + escaped + "\",\"frame\":", Encoding.UTF8.GetString(prefix));
        Assert.Equal(escaped.Length, EnvelopeWriter.GetEscapedConnIdLength(Utf8(connId)));

        // An independent JSON parser reads the conn_id back unchanged.
        byte[] envelope = [.. prefix, .. "{}"u8.ToArray(), .. EnvelopeWriter.FrameSuffix.ToArray()];
        using var doc = JsonDocument.Parse(envelope);
        Assert.Equal(connId, doc.RootElement.GetProperty("conn_id").GetString());
        Assert.Equal(["conn_id", "frame"], doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Theory]
    [InlineData(P1, 1001, """{"conn_id":"client-s1-0123456789abcdef","close_code":1001}""")]
    [InlineData(P1, 1000, """{"conn_id":"client-s1-0123456789abcdef","close_code":1000}""")]
    [InlineData(P1, 4999, """{"conn_id":"client-s1-0123456789abcdef","close_code":4999}""")]
    [InlineData(P1, 0, """{"conn_id":"client-s1-0123456789abcdef","close_code":0}""")]
    [InlineData(P1, 9, """{"conn_id":"client-s1-0123456789abcdef","close_code":9}""")]
    [InlineData(P1, 10, """{"conn_id":"client-s1-0123456789abcdef","close_code":10}""")]
    [InlineData(P1, 999, """{"conn_id":"client-s1-0123456789abcdef","close_code":999}""")]
    [InlineData(P1, 10000, """{"conn_id":"client-s1-0123456789abcdef","close_code":10000}""")]
    [InlineData(P1, 65535, """{"conn_id":"client-s1-0123456789abcdef","close_code":65535}""")]
    [InlineData("client-a\"\\b-0000000000000002", 4000, """{"conn_id":"client-a\"\\b-0000000000000002","close_code":4000}""")]
    public void Close_notice_has_the_exact_bytes(string connId, int code, string expected)
    {
        byte[] id = Utf8(connId);
        byte[] want = Utf8(expected);

        Assert.Equal(want.Length, EnvelopeWriter.GetCloseNoticeLength(id, code));

        var buffer = new byte[want.Length];
        int written = EnvelopeWriter.WriteCloseNotice(id, code, buffer);
        Assert.Equal(want, buffer.AsSpan(0, written).ToArray());

        var writer = new ArrayBufferWriter<byte>();
        EnvelopeWriter.WriteCloseNotice(id, code, writer);
        Assert.Equal(want, writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(int.MaxValue)]
    public void Close_notice_rejects_codes_outside_the_websocket_range(int code)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopeWriter.GetCloseNoticeLength(Utf8(P1), code));
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopeWriter.WriteCloseNotice(Utf8(P1), code, new byte[100]));
    }

    [Fact]
    public void Too_short_destinations_throw_and_write_nothing()
    {
        byte[] id = Utf8(P1);
        byte[] frame = Utf8("{}");
        var buffer = new byte[EnvelopeWriter.GetFrameEnvelopeLength(id, frame.Length) - 1];

        Assert.Throws<ArgumentException>(() => EnvelopeWriter.WriteFrameEnvelope(id, frame, buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Throws<ArgumentException>(() => EnvelopeWriter.WriteFramePrefix(id, new byte[EnvelopeWriter.GetFramePrefixLength(id) - 1]));
        Assert.Throws<ArgumentException>(() => EnvelopeWriter.WriteCloseNotice(id, 1001, new byte[EnvelopeWriter.GetCloseNoticeLength(id, 1001) - 1]));
    }

    [Fact]
    public void Prefix_and_suffix_constants_are_exact()
    {
        Assert.Equal("}", Encoding.UTF8.GetString(EnvelopeWriter.FrameSuffix));
        Assert.Equal("{\"conn_id\":\"\",\"frame\":", Encoding.UTF8.GetString(EnvelopeWriter.CreateFramePrefix([])));
    }
}
