using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Cli;

/// <summary>A boolean flag: alone it means true; an explicit value needs <c>=</c>.</summary>
internal sealed class BoolFlag(
    string name, string usage, Func<ParseState, bool> get, Action<ParseState, bool> set, Func<RelayOptions, bool> getDefault)
    : Flag(name, usage)
{
    /// <inheritdoc />
    public override bool IsBool => true;

    /// <inheritdoc />
    public override string TypeName => "";

    /// <inheritdoc />
    public override string ZeroText => "false";

    /// <summary>The current value in <paramref name="state"/>.</summary>
    public bool Get(ParseState state) => get(state);

    /// <inheritdoc />
    public override string DefaultText(RelayOptions defaults) => getDefault(defaults) ? "true" : "false";

    /// <inheritdoc />
    public override string? TrySet(ParseState state, string text)
    {
        if (!GoParse.TryParseBool(text, out var value))
        {
            return GoParse.ParseError;
        }

        set(state, value);
        return null;
    }
}
