using Microsoft.Extensions.Logging;
using PyrycodeRelay.Cli;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Push;
using PyrycodeRelay.Startup;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Hosting;

/// <summary>Everything <see cref="RelayHost"/> needs; boot (or a test) builds it.</summary>
internal sealed record RelayHostSettings
{
    /// <summary>The validated options.</summary>
    public required RelayOptions Options { get; init; }

    /// <summary>The relay's log output.</summary>
    public required ILoggerFactory Loggers { get; init; }

    /// <summary>The relay listener: plain HTTP in insecure mode, the HTTPS listener in TLS mode.</summary>
    public required ListenEndpoint RelayListener { get; init; }

    /// <summary>TLS mode: the ACME http-01 / 404 listener (<c>--http-listen</c>).</summary>
    public ListenEndpoint? HttpListener { get; init; }

    /// <summary>The metrics listener, or null when disabled.</summary>
    public ListenEndpoint? MetricsListener { get; init; }

    /// <summary>TLS mode: the certificate source, Host gate and challenge listener; null in insecure mode.</summary>
    public RelayTls? Tls { get; init; }

    /// <summary>
    /// The service-account key parsed from <c>PYRYCODE_RELAY_FCM_CREDENTIALS</c> (boot step 16), or null for push
    /// off (docs/operations.md#push-wakes). The host's push sender takes ownership of it.
    /// </summary>
    public ServiceAccountKey? FcmKey { get; init; }

    /// <summary>Cluster mode: the Redis password (<c>PYRYCODE_RELAY_REDIS_PASSWORD</c>), or null. A secret: never log it.</summary>
    public string? RedisPassword { get; init; }

    /// <summary>A push handler to use instead of one built from <see cref="FcmKey"/> (tests).</summary>
    public IPushWakeHandler? Push { get; init; }

    /// <summary>Clock for every policy timer.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The build version reported by <c>/healthz</c>.</summary>
    public string Version { get; init; } = RelayVersion.Current;

    /// <summary>The commit reported by <c>/healthz</c>.</summary>
    public string Commit { get; init; } = RelayVersion.Commit;

    /// <summary>The ports this host will bind (for the port allowlist check before binding).</summary>
    public IReadOnlyList<int> BindPorts =>
        new[] { RelayListener, HttpListener, MetricsListener }.Where(e => e is not null).Select(e => e!.Port).ToArray();
}
