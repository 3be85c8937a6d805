namespace PyrycodeRelay.Cli;

/// <summary>What the command line asks for.</summary>
internal enum CommandLineOutcome
{
    /// <summary>Run the relay with the parsed options.</summary>
    Run,

    /// <summary><c>--version</c>: print the version and exit 0.</summary>
    Version,

    /// <summary><c>-h</c>, <c>-help</c>, <c>--help</c>: print the usage text on stderr and exit 0.</summary>
    Help,

    /// <summary>A usage error: print <see cref="CommandLineResult.Error"/> and the usage text on stderr, exit 2.</summary>
    Error,
}
