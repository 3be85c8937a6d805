using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>Installs <see cref="ProxyProtocolMiddleware"/> on a Kestrel listener.</summary>
internal static class ProxyProtocolListenOptionsExtensions
{
    /// <summary>
    /// Adds the PROXY protocol middleware. Call it before <c>UseHttps</c> so the header is read before the
    /// TLS handshake: <c>listen.UseProxyProtocol(options); listen.UseHttps(...);</c>.
    /// </summary>
    public static ListenOptions UseProxyProtocol(this ListenOptions listenOptions, ProxyProtocolOptions options)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(options);
        listenOptions.Use(next => new ProxyProtocolMiddleware(next, options).OnConnectionAsync);
        return listenOptions;
    }
}
