using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Cli;

/// <summary>
/// The relay's command-line parser, with the semantics of Go's <c>flag</c> package (docs/operations.md#command-line):
/// <c>-name</c> equals <c>--name</c>; <c>--name value</c> or <c>--name=value</c>; booleans take a value
/// only with <c>=</c>; parsing stops at the first non-flag or after <c>--</c>; the last occurrence wins.
/// </summary>
internal static class CommandLine
{
    /// <summary>The program name used by the usage text.</summary>
    public const string ProgramName = "pyrycode-relay";

    /// <summary>
    /// Parses <paramref name="args"/> into options starting from <paramref name="defaults"/> (a new
    /// <see cref="RelayOptions"/> when null). Never throws for bad input and never writes output.
    /// </summary>
    public static CommandLineResult Parse(IReadOnlyList<string> args, RelayOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var state = new ParseState(defaults ?? new RelayOptions());
        var set = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while (i < args.Count)
        {
            var s = args[i];
            if (s.Length < 2 || s[0] != '-')
            {
                break;
            }

            var minuses = 1;
            if (s[1] == '-')
            {
                minuses = 2;
                if (s.Length == 2)
                {
                    i++;
                    break;
                }
            }

            var name = s[minuses..];
            if (name.Length == 0 || name[0] == '-' || name[0] == '=')
            {
                return Failed(state, set, $"bad flag syntax: {s}");
            }

            i++;
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!FlagTable.TryGet(name, out var flag))
            {
                if (name is "help" or "h")
                {
                    return new CommandLineResult(CommandLineOutcome.Help, state.Options, set, [], null);
                }

                return Failed(state, set, $"flag provided but not defined: -{name}");
            }

            if (flag.IsBool)
            {
                if (value is not null && flag.TrySet(state, value) is { } boolError)
                {
                    return Failed(state, set, $"invalid boolean value {GoQuote.Quote(value)} for -{name}: {boolError}");
                }

                if (value is null)
                {
                    flag.TrySet(state, "true");
                }
            }
            else
            {
                if (value is null)
                {
                    if (i >= args.Count)
                    {
                        return Failed(state, set, $"flag needs an argument: -{name}");
                    }

                    value = args[i++];
                }

                if (flag.TrySet(state, value) is { } error)
                {
                    return Failed(state, set, $"invalid value {GoQuote.Quote(value)} for flag -{name}: {error}");
                }
            }

            set.Add(name);
        }

        var remaining = new string[args.Count - i];
        for (var k = 0; k < remaining.Length; k++)
        {
            remaining[k] = args[i + k];
        }

        var outcome = state.Version ? CommandLineOutcome.Version : CommandLineOutcome.Run;
        return new CommandLineResult(outcome, state.Options, set, remaining, null);
    }

    /// <summary>
    /// Writes the usage text: <c>Usage of pyrycode-relay:</c> and every flag in Go <c>PrintDefaults</c>
    /// style, sorted by name, with defaults taken from <paramref name="defaults"/>.
    /// </summary>
    public static void WriteUsage(TextWriter writer, RelayOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        UsageText.Write(writer, defaults ?? new RelayOptions());
    }

    private static CommandLineResult Failed(ParseState state, HashSet<string> set, string error) =>
        new(CommandLineOutcome.Error, state.Options, set, [], OneLine(error));

    /// <summary>
    /// A usage error prints one line (docs/operations.md#command-line): flag names and syntax errors are echoed raw, so a control
    /// character in them is escaped Go-style (values are already quoted). Fuzz finding F4.
    /// </summary>
    private static string OneLine(string error)
    {
        if (!error.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !error.Contains('\u007f', StringComparison.Ordinal))
        {
            return error;
        }

        var quoted = GoQuote.Quote(error);
        return quoted[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal);
    }
}
