using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Cli;

/// <summary>
/// Every flag can also come from the environment (docs/operations.md#flags-from-the-environment):
/// <c>--max-connections</c> is <c>PYRYCODE_RELAY_MAX_CONNECTIONS</c>. The value is bound exactly like the flag's
/// (<c>=value</c> form, booleans included); a flag on the command line wins. Only the names of the flag table are
/// looked up; the environment is never scanned. Action flags (<c>--version</c>, <c>--check-config</c>) have no variable.
/// </summary>
internal static class EnvironmentFlags
{
    /// <summary>The prefix of every variable.</summary>
    public const string Prefix = "PYRYCODE_RELAY_";

    /// <summary>Flags that only make sense on a command line.</summary>
    private static readonly HashSet<string> ActionFlags = new(StringComparer.Ordinal) { "version", "check-config" };

    /// <summary>The variable of <paramref name="flagName"/>: <c>PYRYCODE_RELAY_</c> + upper case, dashes as underscores.</summary>
    public static string VariableFor(string flagName)
    {
        ArgumentNullException.ThrowIfNull(flagName);
        return Prefix + flagName.ToUpperInvariant().Replace('-', '_');
    }

    /// <summary>Whether <paramref name="flag"/> can come from the environment.</summary>
    public static bool HasVariable(Flag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return !ActionFlags.Contains(flag.Name);
    }

    /// <summary>
    /// Binds every set variable onto <paramref name="defaults"/>, except those of the flags in
    /// <paramref name="onCommandLine"/> (the command line wins; their variables are not read); <paramref name="set"/>
    /// receives the flag names bound (they count as explicitly set). Returns the one-line usage error of the first bad
    /// value, or null.
    /// </summary>
    public static string? Apply(Func<string, string?> getVariable, RelayOptions defaults, IReadOnlySet<string> onCommandLine,
        out RelayOptions options, out IReadOnlySet<string> set)
    {
        ArgumentNullException.ThrowIfNull(onCommandLine);
        ArgumentNullException.ThrowIfNull(getVariable);
        ArgumentNullException.ThrowIfNull(defaults);
        var state = new ParseState(defaults);
        var bound = new HashSet<string>(StringComparer.Ordinal);
        options = defaults;
        set = bound;
        foreach (var flag in FlagTable.All)
        {
            if (!HasVariable(flag) || onCommandLine.Contains(flag.Name))
            {
                continue;
            }

            var variable = VariableFor(flag.Name);
            if (getVariable(variable) is not { } value)
            {
                continue;
            }

            if (flag.TrySet(state, value) is { } error)
            {
                // The value is quoted like a flag value; a credential never comes through a flag variable.
                return $"invalid value {GoQuote.Quote(value)} for {variable} (--{flag.Name}): {error}";
            }

            bound.Add(flag.Name);
        }

        options = state.Options;
        return null;
    }
}
