using PyrycodeRelay.Cli;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.Cli;

public class CommandLineValueTests
{
    [Theory]
    [InlineData("42", 42)]
    [InlineData("+42", 42)]
    [InlineData("-42", -42)]
    [InlineData("0", 0)]
    [InlineData("010", 10)]
    [InlineData("0x1F", 31)]
    [InlineData("0X1f", 31)]
    [InlineData("0o17", 15)]
    [InlineData("0b101", 5)]
    [InlineData("-0x10", -16)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("-2147483648", int.MinValue)]
    public void Integers_accept_decimal_and_go_prefixes(string text, int expected) =>
        Assert.Equal(expected, CommandLine.Parse(["--max-connections", text]).Options.MaxConnections);

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("0x")]
    [InlineData("0b2")]
    [InlineData("--1")]
    [InlineData("1_000")]
    public void Integer_syntax_errors_are_parse_errors(string text)
    {
        var r = CommandLine.Parse(["--max-connections", text]);
        Assert.Equal(CommandLineOutcome.Error, r.Outcome);
        Assert.Equal($"invalid value {GoQuote.Quote(text)} for flag -max-connections: parse error", r.Error);
        Assert.Equal(2, r.ExitCode);
    }

    [Theory]
    [InlineData("max-connections", "2147483648")]
    [InlineData("max-connections", "-2147483649")]
    [InlineData("phone-outbox-bytes", "9223372036854775808")]
    [InlineData("phone-outbox-bytes", "99999999999999999999999")]
    public void Integer_overflow_is_value_out_of_range(string flag, string text)
    {
        var r = CommandLine.Parse(["--" + flag, text]);
        Assert.Equal($"invalid value \"{text}\" for flag -{flag}: value out of range", r.Error);
    }

    [Fact]
    public void Long_flags_take_64_bit_values()
    {
        Assert.Equal(long.MaxValue, CommandLine.Parse(["--outbox-budget-bytes", "9223372036854775807"]).Options.OutboxBudgetBytes);
        Assert.Equal(long.MinValue, CommandLine.Parse(["--phone-outbox-bytes=-9223372036854775808"]).Options.PhoneOutboxBytes);
    }

    [Theory]
    [InlineData("1500ms", 1500)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("0", 0)]
    [InlineData("-1s", -1000)]
    [InlineData("250ms", 250)]
    [InlineData("1m0.5s", 60_500)]
    public void Durations_are_go_style(string text, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), CommandLine.Parse(["--grace-period", text]).Options.GracePeriod);

    [Fact]
    public void Microsecond_units_are_accepted()
    {
        Assert.Equal(TimeSpan.FromTicks(15), CommandLine.Parse(["--write-timeout=1.5us"]).Options.WriteTimeout);
        Assert.Equal(TimeSpan.FromTicks(15), CommandLine.Parse(["--write-timeout=1.5\u00b5s"]).Options.WriteTimeout);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("30")]
    [InlineData("")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("1.s.")]
    [InlineData("99999999999h")]
    public void Bad_durations_are_parse_errors(string text)
    {
        var r = CommandLine.Parse(["--grace-period=" + text]);
        Assert.Equal(CommandLineOutcome.Error, r.Outcome);
        Assert.Equal($"invalid value {GoQuote.Quote(text)} for flag -grace-period: parse error", r.Error);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("yes")]
    [InlineData("")]
    [InlineData("tRUE")]
    public void Bad_boolean_values_use_the_boolean_wording(string text)
    {
        var r = CommandLine.Parse(["--trust-x-forwarded-for=" + text]);
        Assert.Equal(CommandLineOutcome.Error, r.Outcome);
        Assert.Equal($"invalid boolean value \"{text}\" for -trust-x-forwarded-for: parse error", r.Error);
    }

    [Fact]
    public void Unknown_flag_is_reported_with_a_single_dash()
    {
        Assert.Equal("flag provided but not defined: -foo", CommandLine.Parse(["--foo"]).Error);
        Assert.Equal("flag provided but not defined: -foo", CommandLine.Parse(["-foo=1"]).Error);
    }

    [Fact]
    public void Missing_value_is_reported()
    {
        var r = CommandLine.Parse(["--domain", "x", "--max-connections"]);
        Assert.Equal("flag needs an argument: -max-connections", r.Error);
        Assert.Equal(2, r.ExitCode);
    }

    [Theory]
    [InlineData("---x", "bad flag syntax: ---x")]
    [InlineData("-=x", "bad flag syntax: -=x")]
    [InlineData("--=x", "bad flag syntax: --=x")]
    public void Bad_flag_syntax_is_reported(string arg, string error) => Assert.Equal(error, CommandLine.Parse([arg]).Error);

    [Fact]
    public void Values_in_errors_are_go_quoted()
    {
        var r = CommandLine.Parse(["--max-connections", "a\"b\\c\n"]);
        Assert.Equal("invalid value \"a\\\"b\\\\c\\n\" for flag -max-connections: parse error", r.Error);
    }
}
