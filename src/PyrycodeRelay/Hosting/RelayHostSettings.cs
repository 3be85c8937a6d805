using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Hosting;

/// <summary>Everything <see cref="RelayHost"/> needs; boot (or a test) builds it.</summary>
public sealed record RelayHostSettings
{
    /// <summary>The validated options.</summary>
    public required RelayOptions Options { get; init; }

    /// <summary>The relay's log output.</summary>
    public required ILoggerFactory Loggers { get; init; }

    /// <summary>The relay listener(s) (insecure mode: one).</summary>
    public required IReadOnlyList<ListenEndpoint> RelayListeners { get; init; }

    /// <summary>The metrics listener, or null when disabled.</summary>
    public ListenEndpoint? MetricsListener { get; init; }

    /// <summary>
    /// The service-account key from <c>PYRYCODE_RELAY_FCM_CREDENTIALS</c>, or null for push off (operations.md §17).
    /// </summary>
    public string? FcmCredentials { get; init; }

    /// <summary>A push handler to use instead of one built from <see cref="FcmCredentials"/> (tests).</summary>
    public IPushWakeHandler? Push { get; init; }

    /// <summary>Clock for every policy timer.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The build version reported by <c>/healthz</c>.</summary>
    public string Version { get; init; } = "dev";
}
