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
    public void Write_fills_exactly_the_measured_length(string input)
    {
        var length = GoQuote.QuotedLength(input);
        var buffer = new char[length + 4];
        Assert.Equal(length, GoQuote.Write(input, buffer));
        Assert.Equal(GoQuote.Quote(input), new string(buffer, 0, length));
    }
}
