using Microsoft.AspNetCore.Server.Kestrel.Core;
using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Limits;

/// <summary>
/// Maps the HTTP timeouts of docs/operations.md#http-timeouts onto Kestrel. Kestrel checks its timeouts on a 1 s heartbeat and
/// adds one heartbeat interval of tolerance, so a Kestrel timeout T closes the connection between T + 1 s and
/// T + 2 s; <see cref="Apply"/> subtracts <see cref="HeartbeatTolerance"/> so the relay's value is met within
/// one second. Kestrel's header timeout starts at the first byte of a request (a silent new connection is
/// otherwise governed by the keep-alive timeout): add <see cref="FirstByteTimeoutMiddleware"/> to each listener.
/// </summary>
internal static class KestrelLimitSettings
{
    /// <summary>Kestrel's extra heartbeat interval before a timeout fires.</summary>
    public static readonly TimeSpan HeartbeatTolerance = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sets <see cref="KestrelServerLimits.RequestHeadersTimeout"/> and <see cref="KestrelServerLimits.KeepAliveTimeout"/>
    /// from <paramref name="relay"/> (minus the heartbeat tolerance, at least 1 s), leaves the connection counts
    /// unlimited (the relay's own cap applies), keeps Kestrel's minimum data rates (240 B/s after a 5 s grace,
    /// never applied to upgraded connections), and makes <see cref="RelayOptions.TlsHandshakeTimeout"/> the HTTPS default.
    /// </summary>
    public static void Apply(KestrelServerOptions options, RelayOptions relay)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(relay);
        var limits = options.Limits;
        limits.RequestHeadersTimeout = Compensate(relay.RequestHeadersTimeout);
        limits.KeepAliveTimeout = Compensate(relay.KeepAliveTimeout);
        limits.MaxConcurrentConnections = null;
        limits.MaxConcurrentUpgradedConnections = null;
        options.ConfigureHttpsDefaults(https => https.HandshakeTimeout = relay.TlsHandshakeTimeout);
    }

    /// <summary>The Kestrel setting that makes a relay timeout fire between it and one second later.</summary>
    public static TimeSpan Compensate(TimeSpan relayTimeout)
    {
        var value = relayTimeout - HeartbeatTolerance;
        return value < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : value;
    }
}
