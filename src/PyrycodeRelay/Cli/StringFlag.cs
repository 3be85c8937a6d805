using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Cli;

/// <summary>A string flag; any value binds.</summary>
internal sealed class StringFlag(
    string name, string usage, Func<RelayOptions, string> get, Func<RelayOptions, string, RelayOptions> set)
    : Flag(name, usage)
{
    /// <inheritdoc />
    public override string TypeName => "string";

    /// <inheritdoc />
    public override string ZeroText => "";

    /// <inheritdoc />
    public override bool QuoteDefault => true;

    /// <inheritdoc />
    public override string DefaultText(RelayOptions defaults) => get(defaults);

    /// <inheritdoc />
    public override string? TrySet(ParseState state, string text)
    {
        state.Options = set(state.Options, text);
        return null;
    }
}
