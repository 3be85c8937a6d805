namespace PyrycodeRelay.Startup;

/// <summary>Where each flag's value came from: the command line, its <c>PYRYCODE_RELAY_*</c> variable, or the default.</summary>
internal sealed class ConfigSources(IReadOnlySet<string> commandLine, IReadOnlySet<string> environment)
{
    /// <summary>No flag set anywhere.</summary>
    public static ConfigSources Empty { get; } = new(new HashSet<string>(), new HashSet<string>());

    /// <summary>Flags set on the command line or in the environment: both count as explicitly set for the boot rules.</summary>
    public IReadOnlySet<string> ExplicitlySet { get; } = new HashSet<string>(commandLine.Concat(environment), StringComparer.Ordinal);

    /// <summary><c>flag</c>, <c>env</c> or <c>default</c> for <paramref name="flagName"/>.</summary>
    public string SourceOf(string flagName) =>
        commandLine.Contains(flagName) ? "flag" : environment.Contains(flagName) ? "env" : "default";
}
