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

    /// <summary>Push sender (default: push off).</summary>
    public IPushWakeHandler Push { get; init; } = new PushOff();

    /// <summary>Clock for every policy timer.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The build version reported by <c>/healthz</c>.</summary>
    public string Version { get; init; } = "dev";
}
