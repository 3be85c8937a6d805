using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PyrycodeRelay.Limits;

/// <summary>Installs <see cref="FirstByteTimeoutMiddleware"/> on a Kestrel listener.</summary>
internal static class LimitsListenOptionsExtensions
{
    /// <summary>
    /// Closes connections whose first request byte does not arrive within <paramref name="timeout"/>. In TLS mode
    /// call it after <c>UseHttps</c> (the handshake has its own timeout); on a plain listener call it directly.
    /// </summary>
    public static ListenOptions UseFirstByteTimeout(this ListenOptions listenOptions, TimeSpan timeout, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        var time = timeProvider ?? TimeProvider.System;
        listenOptions.Use(next => new FirstByteTimeoutMiddleware(next, timeout, time).OnConnectionAsync);
        return listenOptions;
    }
}
