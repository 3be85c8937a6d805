using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Startup;

/// <summary>
/// The outcome of boot steps 1–18: validated options, the selected mode, the push sender's key and the
/// logger built at step 3. <see cref="BootSequence"/> continues with steps 19–24 from it. The <c>push off</c>
/// INFO line (step 16) has already been logged when push is off.
/// </summary>
internal sealed class BootPlan
{
    /// <summary>The validated options.</summary>
    public required RelayOptions Options { get; init; }

    /// <summary>Names (without dashes) of the flags given on the command line.</summary>
    public required IReadOnlySet<string> ExplicitlySet { get; init; }

    /// <summary>The serving mode.</summary>
    public required RelayMode Mode { get; init; }

    /// <summary>True when <c>PYRYCODE_RELAY_PRODUCTION=1</c>.</summary>
    public required bool Production { get; init; }

    /// <summary>The validated metrics listener, or null when <c>--metrics-listen=</c> disabled it.</summary>
    public required ListenEndpoint? Metrics { get; init; }

    /// <summary>
    /// The push sender's key from <c>PYRYCODE_RELAY_FCM_CREDENTIALS</c> (step 16), or null when unset (push off).
    /// A secret: never log it. The relay's push sender takes ownership of it.
    /// </summary>
    public required ServiceAccountKey? FcmKey { get; init; }

    /// <summary>Cluster mode: the Redis password from <c>PYRYCODE_RELAY_REDIS_PASSWORD</c>, or null. A secret: never log it.</summary>
    public string? RedisPassword { get; init; }

    /// <summary>The build version string.</summary>
    public required string Version { get; init; }

    /// <summary>The logger factory for <c>--log-format</c>; the host owns it from here (dispose at exit).</summary>
    public required ILoggerFactory LoggerFactory { get; init; }

    /// <summary>The boot logger (category <see cref="BootSequence.LoggerCategory"/>).</summary>
    public required ILogger Logger { get; init; }

    /// <summary><c>--check-config</c>: run the remaining checks, print the effective configuration, exit without listening.</summary>
    public bool CheckConfigOnly { get; init; }

    /// <summary>Where each flag's value came from (command line, environment, default).</summary>
    public ConfigSources Sources { get; init; } = ConfigSources.Empty;
}
