using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Cli;

/// <summary>One command-line flag: its name, help text, how it prints its default and how it binds a value.</summary>
internal abstract class Flag
{
    /// <summary>Creates a flag named <paramref name="name"/> (without dashes).</summary>
    protected Flag(string name, string usage)
    {
        Name = name;
        Usage = usage;
    }

    /// <summary>The flag name without dashes, e.g. <c>max-connections</c>.</summary>
    public string Name { get; }

    /// <summary>The help text shown by the usage listing.</summary>
    public string Usage { get; }

    /// <summary>Boolean flags take a value only in the <c>--name=value</c> form.</summary>
    public virtual bool IsBool => false;

    /// <summary>The value-type word of Go's <c>PrintDefaults</c> (<c>string</c>, <c>int</c>, <c>duration</c>; empty for booleans).</summary>
    public abstract string TypeName { get; }

    /// <summary>Go's <c>Value.String()</c> of the zero value; a default equal to it is not shown.</summary>
    public abstract string ZeroText { get; }

    /// <summary>String flags show their default quoted (<c>%q</c>), others bare (<c>%v</c>).</summary>
    public virtual bool QuoteDefault => false;

    /// <summary>Go's <c>Value.String()</c> of the default held by <paramref name="defaults"/>.</summary>
    public abstract string DefaultText(RelayOptions defaults);

    /// <summary>Binds <paramref name="text"/>; on failure returns the Go error text (<c>parse error</c>, <c>value out of range</c>).</summary>
    public abstract string? TrySet(ParseState state, string text);
}
