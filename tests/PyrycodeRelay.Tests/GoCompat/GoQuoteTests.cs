using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.GoCompat;

public class GoQuoteTests
{
    [Theory]
    [InlineData("", "\"\"")]
    [InlineData(" 1", "\" 1\"")]
    [InlineData("1 ", "\"1 \"")]
    [InlineData("true", "\"true\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("\n\t\r\a\b\f\v", "\"\\n\\t\\r\\a\\b\\f\\v\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("\u0085\u00a0", "\"\\u0085\\u00a0\"")]
    [InlineData("héllo ✓", "\"héllo ✓\"")]
    [InlineData("\U0001F600", "\"\U0001F600\"")]
    [InlineData("\U000E0001", "\"\\U000e0001\"")]
    public void Quotes_like_go_strconv_quote(string input, string expected) => Assert.Equal(expected, GoQuote.Quote(input));

    [Fact]
    public void A_lone_surrogate_is_escaped()
    {
        var lone = new string(['\ud800', 'x']);
        Assert.Equal("\"\\ud800x\"", GoQuote.Quote(lone));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain ascii")]
    [InlineData("a\"b\\c\n\u0001\u007f")]
    [InlineData("\u0085héllo ✓\U0001F600\U000E0001")]
    public void TryWrite_fills_exactly_the_measured_length_and_refuses_less(string input)
    {
        var length = GoQuote.QuotedLength(input);
        var buffer = new char[length + 4];
        Assert.True(GoQuote.TryWrite(input, buffer, out var written));
        Assert.Equal(length, written);
        Assert.Equal(GoQuote.Quote(input), new string(buffer, 0, length));
        Assert.True(GoQuote.TryWrite(input, buffer.AsSpan(0, length), out written));
        Assert.Equal(length, written);
        for (var room = 0; room < length; room++)
        {
            Assert.False(GoQuote.TryWrite(input, buffer.AsSpan(0, room), out written));
            Assert.Equal(0, written);
        }
    }
}
