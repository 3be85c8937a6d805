using PyrycodeRelay.Cli;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.Reliability.Regressions;

/// <summary>
/// Fuzz finding F2 (duration and cli targets): <see cref="GoDuration.TryParse"/> multiplies a number of up to 20
/// digits by the unit in <c>decimal</c> before its overflow check (src/PyrycodeRelay/Configuration/GoDuration.cs,
/// <c>totalNs += number * unitNs</c>), so e.g. <c>99999999999999999999h</c> throws OverflowException. Through
/// <see cref="CommandLine.Parse"/> (documented "never throws for bad input") the relay then dies with an unhandled
/// exception instead of the one-line usage error and exit 2 of docs/operations.md#command-line.
/// </summary>
public sealed class GoDurationOverflowTests
{
    [Theory]
    [InlineData("99999999999999999999h")]
    [InlineData("10000000000000000000m")]
    [InlineData("1s99999999999999999999h")]
    [InlineData("-99999999999999999999h")]
    public void Huge_number_times_unit_is_a_parse_failure_not_an_exception(string text)
    {
        Assert.False(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }

    [Fact]
    public void Command_line_reports_the_usage_error()
    {
        var result = CommandLine.Parse(["--grace-period", "99999999999999999999h"]);
        Assert.Equal(CommandLineOutcome.Error, result.Outcome);
        Assert.Equal("invalid value \"99999999999999999999h\" for flag -grace-period: parse error", result.Error);
        Assert.Equal(2, result.ExitCode);
    }
}
