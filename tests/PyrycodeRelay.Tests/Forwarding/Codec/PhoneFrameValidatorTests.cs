using PyrycodeRelay.Forwarding.Codec;
using static PyrycodeRelay.Tests.Forwarding.Codec.CodecTestData;

namespace PyrycodeRelay.Tests.Forwarding.Codec;

public class PhoneFrameValidatorTests
{
    [Theory]
    // Scenario 64 and 65 frames.
    [InlineData("""{"v":2,"t":"probe-1"}""")]
    [InlineData("""{"a": [1, null, "é"], "b": {"c": "<&>"}}""")]
    [InlineData("""[ 1 , 2 ]""")]
    [InlineData("\"text\"")]
    // Every value type.
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("\"\"")]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-12.5e+3")]
    [InlineData("1E-7")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    // Escapes, including a lone surrogate escape (grammatically valid per RFC 8259).
    [InlineData("""["\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"]""")]
    [InlineData("""["\ud800"]""")]
    [InlineData("""{"\udc00":"\ud800\ud800"}""")]
    // Raw non-ASCII and DEL are allowed unescaped.
    [InlineData("\"é中😀\u007f\"")]
    [InlineData("{\"k\":{\"k\":[true,false,null,{}]}}")]
    public void Valid_frames_are_accepted_whole(string frame)
    {
        byte[] payload = Utf8(frame);

        Assert.True(PhoneFrameValidator.TryValidate(payload, out int start, out int length));
        Assert.Equal(0, start);
        Assert.Equal(payload.Length, length);
    }

    [Theory]
    [InlineData(" {\"v\":1} ", 1, "{\"v\":1}")]
    [InlineData("\t\r\n [ 1 , 2 ] \n\r\t", 4, "[ 1 , 2 ]")]
    [InlineData("  \"x\"", 2, "\"x\"")]
    [InlineData("7\n", 0, "7")]
    [InlineData("\nnull\n", 1, "null")]
    public void Surrounding_whitespace_is_trimmed_from_the_value(string frame, int expectedStart, string expectedValue)
    {
        byte[] payload = Utf8(frame);

        Assert.True(PhoneFrameValidator.TryValidate(payload, out int start, out int length));
        Assert.Equal(expectedStart, start);
        Assert.Equal(Utf8(expectedValue), payload.AsSpan(start, length).ToArray());
        Assert.True(PhoneFrameValidator.TryValidate(payload, out ReadOnlySpan<byte> value));
        Assert.Equal(Utf8(expectedValue), value.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t\r\n")]
    [InlineData("not json")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":1}}")]
    [InlineData("1 2")]
    [InlineData("{}{}")]
    [InlineData("[] []")]
    [InlineData("\"a\" \"b\"")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("/*c*/1")]
    [InlineData("1 // c")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("+1")]
    [InlineData("1e")]
    [InlineData("-")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("tru")]
    [InlineData("True")]
    [InlineData("nul")]
    [InlineData("'a'")]
    [InlineData("\"abc")]
    [InlineData("\"a\u0001b\"")]
    [InlineData("\"tab\tinside\"")]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"\\u12g4\"")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\"}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{1:1}")]
    [InlineData("[1 2]")]
    [InlineData("\u00a01")]
    [InlineData("\f1")]
    [InlineData("\u000b1")]
    [InlineData("{\"a\":1")]
    [InlineData("]")]
    public void Invalid_frames_are_rejected(string frame)
    {
        Assert.False(PhoneFrameValidator.TryValidate(Utf8(frame), out int start, out int length));
        Assert.Equal(0, start);
        Assert.Equal(0, length);
    }

    [Theory]
    [InlineData(@"\xEF\xBB\xBF{}")]                  // byte-order mark
    [InlineData(@"\xEF\xBB\xBF""x""")]
    [InlineData(@" \xEF\xBB\xBF1")]                  // BOM after whitespace
    [InlineData(@"""\xFF""")]                        // invalid byte inside a string
    [InlineData(@"""a\x80b""")]                      // lone continuation byte
    [InlineData(@"""\xC0\xAF""")]                    // overlong '/'
    [InlineData(@"""\xE0\x80\xAF""")]                // overlong 3-byte
    [InlineData(@"""\xED\xA0\x80""")]                // UTF-8-encoded surrogate
    [InlineData(@"""\xE2\x82""")]                    // truncated sequence
    [InlineData(@"""\xF4\x90\x80\x80""")]            // above U+10FFFF
    [InlineData(@"""\xF8\x88\x80\x80\x80""")]        // 5-byte form
    [InlineData(@"{""\xFF"":1}")]                    // inside a key
    [InlineData(@"\xFF")]                            // outside strings
    [InlineData(@"1 \xFF")]                          // after the value
    [InlineData(@"[1,\xC3\xA9]")]                    // valid UTF-8 but not a token
    public void Invalid_bytes_and_byte_order_marks_are_rejected(string notation)
    {
        Assert.False(PhoneFrameValidator.TryValidate(Bytes(notation), out _, out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    [InlineData(CodecLimits.MaxFrameDepth)]
    public void Nesting_up_to_the_bound_is_accepted(int depth)
    {
        Assert.True(PhoneFrameValidator.TryValidate(Utf8(Nested('[', ']', depth)), out _, out _));
        Assert.True(PhoneFrameValidator.TryValidate(Utf8(NestedObjects(depth)), out _, out _));
    }

    [Fact]
    public void Nesting_beyond_the_bound_is_rejected()
    {
        Assert.Equal(1000, CodecLimits.MaxFrameDepth);
        Assert.False(PhoneFrameValidator.TryValidate(Utf8(Nested('[', ']', CodecLimits.MaxFrameDepth + 1)), out _, out _));
        Assert.False(PhoneFrameValidator.TryValidate(Utf8(NestedObjects(CodecLimits.MaxFrameDepth + 1)), out _, out _));
    }

    [Fact]
    public void Unbalanced_deep_nesting_is_rejected()
    {
        Assert.False(PhoneFrameValidator.TryValidate(Utf8(new string('[', 64) + new string(']', 63)), out _, out _));
        Assert.False(PhoneFrameValidator.TryValidate(Utf8(new string('[', 64) + new string(']', 65)), out _, out _));
    }

    [Fact]
    public void Error_text_is_the_documented_one()
    {
        Assert.Equal("relay: phone frame is not valid JSON", PhoneFrameValidator.InvalidFrameError);
    }
}
