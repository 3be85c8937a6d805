using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Cli;

/// <summary>A Go-style duration flag (<c>30s</c>, <c>1500ms</c>, <c>1h30m</c>); a bare number other than 0 is a parse error.</summary>
internal sealed class DurationFlag(
    string name, string usage, Func<RelayOptions, TimeSpan> get, Func<RelayOptions, TimeSpan, RelayOptions> set)
    : Flag(name, usage)
{
    /// <inheritdoc />
    public override string TypeName => "duration";

    /// <inheritdoc />
    public override string ZeroText => "0s";

    /// <inheritdoc />
    public override string DefaultText(RelayOptions defaults) => GoDuration.Format(get(defaults));

    /// <inheritdoc />
    public override string? TrySet(ParseState state, string text)
    {
        if (!GoDuration.TryParse(text, out var value))
        {
            return GoParse.ParseError;
        }

        state.Options = set(state.Options, value);
        return null;
    }
}
