using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Cli;

/// <summary>The values being bound while the command line is parsed.</summary>
internal sealed class ParseState
{
    /// <summary>Creates a state starting from <paramref name="defaults"/>.</summary>
    public ParseState(RelayOptions defaults) => Options = defaults;

    /// <summary>The options bound so far.</summary>
    public RelayOptions Options { get; set; }

    /// <summary><c>--version</c>.</summary>
    public bool Version { get; set; }

    /// <summary><c>--check-config</c>.</summary>
    public bool CheckConfig { get; set; }
}
