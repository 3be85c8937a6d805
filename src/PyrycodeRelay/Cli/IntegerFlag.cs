using System.Globalization;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Cli;

/// <summary>An integer flag bound to an <see cref="int"/> or <see cref="long"/> option (range-checked).</summary>
internal sealed class IntegerFlag(
    string name, string usage, long min, long max, Func<RelayOptions, long> get, Func<RelayOptions, long, RelayOptions> set)
    : Flag(name, usage)
{
    /// <inheritdoc />
    public override string TypeName => "int";

    /// <inheritdoc />
    public override string ZeroText => "0";

    /// <inheritdoc />
    public override string DefaultText(RelayOptions defaults) => get(defaults).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string? TrySet(ParseState state, string text)
    {
        var error = GoParse.TryParseInteger(text, min, max, out var value);
        if (error is not null)
        {
            return error;
        }

        state.Options = set(state.Options, value);
        return null;
    }
}
