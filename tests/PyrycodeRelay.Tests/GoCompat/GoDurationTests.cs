using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.GoCompat;

/// <summary>Go-style durations (docs/operations.md#command-line: flags take Go <c>time.ParseDuration</c> syntax).</summary>
public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("30s", 300_000_000L)]
    [InlineData("1.5s", 15_000_000L)]
    [InlineData(".5s", 5_000_000L)]
    [InlineData("1h2m3s", 37_230_000_000L)]
    [InlineData("1m0.5s", 605_000_000L)]
    [InlineData("250ms", 2_500_000L)]
    [InlineData("100us", 1_000L)]
    [InlineData("100\u00b5s", 1_000L)]
    [InlineData("100\u03bcs", 1_000L)]
    [InlineData("150ns", 1L)]
    [InlineData("99ns", 0L)]
    [InlineData("+5s", 50_000_000L)]
    [InlineData("-5s", -50_000_000L)]
    [InlineData("2562047h", 92_233_692_000_000_000L)]
    public void Parses_go_syntax(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("5 s")]
    [InlineData(" 5s")]
    [InlineData("5S")]
    [InlineData("5d")]
    [InlineData("1..5s")]
    [InlineData("--5s")]
    [InlineData("2562048h")]
    public void Rejects_what_go_rejects(string? text)
    {
        Assert.False(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(300_000_000L, "30s")]
    [InlineData(15_000_000L, "1.5s")]
    [InlineData(37_230_000_000L, "1h2m3s")]
    [InlineData(2_500_000L, "250ms")]
    [InlineData(1_000L, "100\u00b5s")]
    [InlineData(1L, "100ns")]
    [InlineData(-50_000_000L, "-5s")]
    [InlineData(36_000_000_000L, "1h0m0s")]
    public void Formats_like_go(long ticks, string expected)
    {
        var duration = TimeSpan.FromTicks(ticks);
        Assert.Equal(expected, GoDuration.Format(duration));
        Assert.True(GoDuration.TryParse(GoDuration.Format(duration), out var back));
        Assert.Equal(duration, back);
    }
}
