using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Startup;

/// <summary>
/// The outcome of a boot that passed steps 1–14 and 18: validated options, the selected mode, and the
/// logger built at step 3. The hosting code continues with steps 19–24 (it calls
/// <see cref="ListenerChecks"/> for 21i/21t and <see cref="BootAnnouncements"/> for the INFO lines).
/// The <c>push off</c> INFO line (step 16) has already been logged when push is off.
/// </summary>
public sealed class BootPlan
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
    /// The value of <c>PYRYCODE_RELAY_FCM_CREDENTIALS</c> (already validated), or null when unset (push off).
    /// A secret: never log it.
    /// </summary>
    public required string? FcmCredentials { get; init; }

    /// <summary>The build version string.</summary>
    public required string Version { get; init; }

    /// <summary>The logger factory for <c>--log-format</c>; the host owns it from here (dispose at exit).</summary>
    public required ILoggerFactory LoggerFactory { get; init; }

    /// <summary>The boot logger (category <see cref="BootSequence.LoggerCategory"/>).</summary>
    public required ILogger Logger { get; init; }
}
