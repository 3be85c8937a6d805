using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Cli;

/// <summary>The outcome of <see cref="CommandLine.Parse"/>.</summary>
internal sealed class CommandLineResult
{
    internal CommandLineResult(
        CommandLineOutcome outcome, RelayOptions options, IReadOnlySet<string> explicitlySet,
        IReadOnlyList<string> remaining, string? error)
    {
        Outcome = outcome;
        Options = options;
        ExplicitlySet = explicitlySet;
        Remaining = remaining;
        Error = error;
    }

    /// <summary>What to do next.</summary>
    public CommandLineOutcome Outcome { get; }

    /// <summary>The bound options (defaults for every flag not given; partial when <see cref="Outcome"/> is Error).</summary>
    public RelayOptions Options { get; }

    /// <summary>Names (without dashes) of the flags that appeared on the command line, even with their default value.</summary>
    public IReadOnlySet<string> ExplicitlySet { get; }

    /// <summary>The arguments after the first non-flag or after <c>--</c>; ignored by the relay.</summary>
    public IReadOnlyList<string> Remaining { get; }

    /// <summary>The one-line usage error (Go <c>flag</c> wording, no newline), when <see cref="Outcome"/> is Error.</summary>
    public string? Error { get; }

    /// <summary><c>--check-config</c> was given (with <see cref="CommandLineOutcome.Run"/>).</summary>
    public bool CheckConfig { get; init; }

    /// <summary>Exit code for a non-Run outcome: 2 for Error, else 0.</summary>
    public int ExitCode => Outcome == CommandLineOutcome.Error ? 2 : 0;

    /// <summary>True when <c>--name</c> appeared on the command line (<paramref name="name"/> without dashes).</summary>
    public bool IsSet(string name) => ExplicitlySet.Contains(name);
}
