using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PyrycodeRelay.WebSockets;

/// <summary>
/// Connection feature holding Kestrel's connection (after TLS, if any). After the HTTP/1.1 upgrade,
/// Kestrel no longer reads or writes the transport on its own, so the WebSocket layer uses the transport
/// pipes directly: zero-copy reads from the socket's pipe and writes into it.
/// </summary>
internal sealed class UpgradedTransportFeature(ConnectionContext connection)
{
    /// <summary>The connection whose transport carries the WebSocket after the upgrade.</summary>
    public ConnectionContext Connection { get; } = connection;
}

/// <summary>Listener set-up for the upgraded transport.</summary>
internal static class UpgradedTransportExtensions
{
    /// <summary>
    /// Captures the connection for <see cref="WsHandshake.AcceptAsync"/>. Must be the last connection
    /// middleware of the listener (after <c>UseHttps</c>), so the captured transport is the decrypted one.
    /// </summary>
    public static ListenOptions UseUpgradedTransport(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            connection.Features.Set(new UpgradedTransportFeature(connection));
            return next(connection);
        });
        return listen;
    }
}
