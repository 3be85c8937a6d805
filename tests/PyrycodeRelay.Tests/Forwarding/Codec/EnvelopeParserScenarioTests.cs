using PyrycodeRelay.Forwarding.Codec;
using static PyrycodeRelay.Tests.Forwarding.Codec.CodecTestData;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

/// <summary>Scenarios H 67–74 (docs/protocol.md#binary-to-phone) as far as they concern parsing and classification.</summary>
public class EnvelopeParserScenarioTests
{
    [Theory]
    // Scenario 67.
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","frame":{"type":"hello","x":[1,2,3]}}""", """{"type":"hello","x":[1,2,3]}""")]
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","frame":"abc"}""", "\"abc\"")]
    // Scenario 72 first envelope.
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","frame":{"v":2,"type":"noise_resp","data":"AA=="}}""", """{"v":2,"type":"noise_resp","data":"AA=="}""")]
    // Scenario 73.
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","frame":{"n":1}}""", """{"n":1}""")]
    public void Data_envelopes_deliver_the_exact_frame_bytes(string message, string frame)
    {
        var e = ParsedEnvelope.Parse(message);

        Assert.Equal(new ParsedEnvelope(EnvelopeKind.Data, P1, true, P1, frame, 0, null, null), e);
    }

    [Fact]
    public void Envelope_for_an_unknown_conn_id_is_still_a_data_envelope()
    {
        // Scenario 68: routing (not the codec) finds no phone.
        var e = ParsedEnvelope.Parse("""{"conn_id":"client-s1-00000000deadbeef","frame":{}}""");

        Assert.Equal(EnvelopeKind.Data, e.Kind);
        Assert.Equal("client-s1-00000000deadbeef", e.ConnId);
        Assert.True(ConnIds.TryParseSuffix(Utf8(e.ConnId!), "s1", out ulong suffix));
        Assert.Equal(0xdeadbeefUL, suffix);
    }

    public static TheoryData<string, object, string> Scenario69BadEnvelopes => new()
    {
        { "not-json", EnvelopeKind.Malformed, "relay: malformed envelope" },
        { "{\"conn_id\":\"c-1\"", EnvelopeKind.Malformed, "relay: malformed envelope" },
        { "[]", EnvelopeKind.Malformed, "relay: malformed envelope" },
        { """{"frame":{}}""", EnvelopeKind.MissingConnId, "relay: envelope missing conn_id" },
        { """{"conn_id":"","frame":{}}""", EnvelopeKind.MissingConnId, "relay: envelope missing conn_id" },
        { """{"conn_id":null,"frame":{}}""", EnvelopeKind.MissingConnId, "relay: envelope missing conn_id" },
        { """{"conn_id":"client-s1-0123456789abcdef"}""", EnvelopeKind.MissingFrame, "relay: envelope missing frame" },
        { """{"conn_id":"client-s1-0123456789abcdef","frame":null}""", EnvelopeKind.MissingFrame, "relay: envelope missing frame" },
        { """{"frame":null,"close_code":4401}""", EnvelopeKind.MissingConnId, "relay: envelope missing conn_id" },
        { """{"conn_id":"client-s1-0123456789abcdef","frame":{},"close_code":"4401"}""", EnvelopeKind.Malformed, "relay: malformed envelope" },
    };

    [Theory]
    [MemberData(nameof(Scenario69BadEnvelopes))]
    public void Scenario_69_bad_envelopes_are_dropped_with_their_error(string message, object kindValue, string error)
    {
        var kind = (EnvelopeKind)kindValue;
        var e = ParsedEnvelope.Parse(message);

        Assert.Equal(kind, e.Kind);
        Assert.Equal(error, e.Error);
        Assert.Null(e.ConnId);
    }

    [Fact]
    public void Scenario_70_directives_with_null_and_absent_frame()
    {
        var p1 = ParsedEnvelope.Parse("""{"conn_id":"client-s1-0123456789abcdef","frame":null,"close_code":4401}""");
        var p3 = ParsedEnvelope.Parse("""{"conn_id":"client-s1-fedcba9876543210","close_code":4426}""");

        Assert.Equal(new ParsedEnvelope(EnvelopeKind.CloseDirective, P1, true, P1, null, 4401, null, null), p1);
        Assert.Equal(new ParsedEnvelope(EnvelopeKind.CloseDirective, P3, true, P3, null, 4426, null, null), p3);
    }

    [Theory]
    // Scenario 71.
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","frame":{"type":"error","payload":{"code":"unauthorized"}},"close_code":4401}""", """{"type":"error","payload":{"code":"unauthorized"}}""", 4401)]
    // Scenario 72 second envelope.
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","frame":{"v":2,"type":"noise_msg","data":"AQ=="},"close_code":4401}""", """{"v":2,"type":"noise_msg","data":"AQ=="}""", 4401)]
    // Scenario 73 directive.
    [InlineData("""{"conn_id":"client-s1-0123456789abcdef","frame":{"n":3},"close_code":4401}""", """{"n":3}""", 4401)]
    public void Directives_with_a_final_frame(string message, string frame, int code)
    {
        var e = ParsedEnvelope.Parse(message);

        Assert.Equal(new ParsedEnvelope(EnvelopeKind.CloseDirective, P1, true, P1, frame, code, null, null), e);
    }

    [Theory]
    // Scenario 74: the parser reports the requested code; DirectiveCloseCodes decides what is sent.
    [InlineData(1005, 1011)]
    [InlineData(999, 1011)]
    [InlineData(5000, 1011)]
    [InlineData(2000, 1011)]
    [InlineData(1000, 1000)]
    [InlineData(3000, 3000)]
    [InlineData(4999, 4999)]
    public void Scenario_74_directive_codes(int requested, int sent)
    {
        var e = ParsedEnvelope.Parse($$"""{"conn_id":"client-s1-0123456789abcdef","frame":null,"close_code":{{requested}}}""");

        Assert.Equal(EnvelopeKind.CloseDirective, e.Kind);
        Assert.Equal(requested, e.CloseCode);
        Assert.Equal(sent, DirectiveCloseCodes.Resolve(e.CloseCode));
        Assert.Equal(requested == sent, DirectiveCloseCodes.IsValid(requested));
    }

    [Fact]
    public void Error_texts_are_the_documented_ones()
    {
        Assert.Equal("relay: malformed envelope", EnvelopeErrors.For(EnvelopeKind.Malformed));
        Assert.Equal("relay: envelope missing conn_id", EnvelopeErrors.For(EnvelopeKind.MissingConnId));
        Assert.Equal("relay: envelope missing frame", EnvelopeErrors.For(EnvelopeKind.MissingFrame));
        Assert.Null(EnvelopeErrors.For(EnvelopeKind.WakeRequest));
        Assert.Null(EnvelopeErrors.For(EnvelopeKind.Data));
        Assert.Null(EnvelopeErrors.For(EnvelopeKind.CloseDirective));
    }
}
