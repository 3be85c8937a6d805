using PyrycodeRelay.Cli;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.Reliability.Regressions;

/// <summary>
/// Fuzz finding F4 (cli target; low severity, operator input only): docs/operations.md#command-line says a usage error
/// "prints one line", but an unknown flag name or a bad flag's text is echoed raw
/// (src/PyrycodeRelay/Cli/CommandLine.cs: <c>$"flag provided but not defined: -{name}"</c> and
/// <c>$"bad flag syntax: {s}"</c>), so a CR or LF in it splits the message. Values are already quoted with
/// <see cref="GoQuote"/>; names are not. (Go's flag package prints the name raw too; the spec's "one line" wins.)
/// </summary>
public sealed class CommandLineOneLineErrorTests
{
    [Theory]
    [InlineData("-w\nx")]
    [InlineData("--log\r-format")]
    [InlineData("-=\n")]
    public void Usage_error_is_one_line(string arg)
    {
        var result = CommandLine.Parse([arg]);
        Assert.Equal(CommandLineOutcome.Error, result.Outcome);
        Assert.DoesNotContain('\n', result.Error!);
        Assert.DoesNotContain('\r', result.Error!);
    }
}
