using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.Reliability.Regressions;

/// <summary>
/// Fuzz finding F3 (duration target, differential against Go's <c>time.ParseDuration</c>; low severity):
/// GoDuration rejects numbers with more than 20 integer digits or 28 fraction digits
/// (<c>if (intPart.Length &gt; 20 || fracPart.Length &gt; 28) return false;</c>), although Go accepts leading zeros
/// and any number of fraction digits (docs/operations.md#command-line: durations are Go style).
/// </summary>
public sealed class GoDurationDigitsTests
{
    [Theory]
    [InlineData("0000000000000000000001h", 36_000_000_000L)]
    [InlineData("000000000000000000000000000000000us", 0L)]
    [InlineData("1.00000000000000000000000000001s", 10_000_000L)]
    [InlineData("-1.555555555555555555515555555555555s", -15_555_555L)]
    public void Go_accepts_it_so_must_we(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(ticks, value.Ticks);
    }
}
