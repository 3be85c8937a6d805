using PyrycodeRelay.Cli;

namespace PyrycodeRelay.Tests.Cli;

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
}
