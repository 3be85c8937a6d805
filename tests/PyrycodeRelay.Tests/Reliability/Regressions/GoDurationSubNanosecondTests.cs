using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.Reliability.Regressions;

/// <summary>
/// Fuzz finding F5 (duration target, differential against Go's <c>time.ParseDuration</c>; negligible severity):
/// GoDuration summed exact decimal nanoseconds and rejected a total a fraction of a nanosecond above 2^63 − 1,
/// although Go truncates each component to whole nanoseconds before its overflow check and accepts it.
/// </summary>
public sealed class GoDurationSubNanosecondTests
{
    [Theory]
    [InlineData("9223372036854775807.1ns", 92_233_720_368_547_758L)]
    [InlineData("-9223372036854775807.1ns", -92_233_720_368_547_758L)]
    [InlineData("9223372036854775807.999ns", 92_233_720_368_547_758L)]
    [InlineData("2562047h47m16.854775807999s", 92_233_720_368_547_758L)]
    public void Go_accepts_it_so_must_we(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("9223372036854775808ns")]
    [InlineData("9223372036854775807ns1ns")]
    [InlineData("2562047h47m16.854775808s")]
    public void Still_an_overflow(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
