using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace PyrycodeRelay.Limits.ProxyProtocol;

/// <summary>
/// Kestrel connection middleware for docs/operations.md#proxy-protocol. It runs before TLS: it requires a valid PROXY v1 or
/// v2 header within the header timeout, makes the header's source the connection's remote endpoint, and
/// leaves every byte after the header in the transport pipe for the next middleware (TLS). On any failure
/// the connection is closed having written zero bytes and nothing is logged.
/// </summary>
internal sealed class ProxyProtocolMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly ProxyProtocolOptions _options;

    /// <summary>Creates the middleware in front of <paramref name="next"/>.</summary>
    public ProxyProtocolMiddleware(ConnectionDelegate next, ProxyProtocolOptions options)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _options = options;
    }

    /// <summary>Handles one accepted connection.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_options.TrustedSources.Allows(connection.RemoteEndPoint))
        {
            // Returning closes the connection (FIN; a reset if the peer had sent unread bytes). Not
            // ConnectionContext.Abort: that resets even a silent peer, and the client should read EOF.
            return; // closed at once, nothing read, nothing written
        }

        var header = await ReadHeaderAsync(connection).ConfigureAwait(false);
        if (header is not { } source)
        {
            return; // missing, malformed, rejected or late: zero bytes written, no log line
        }

        SetRemoteEndPoint(connection, source);
        await _next(connection).ConfigureAwait(false);
    }

    /// <summary>Reads and consumes the header; the header's source endpoint, or null on any failure.</summary>
    private async Task<IPEndPoint?> ReadHeaderAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(_options.HeaderTimeout, _options.TimeProvider);
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                var buffer = read.Buffer;
                var result = ProxyHeaderParser.Parse(buffer);
                switch (result.Status)
                {
                    case ProxyParseStatus.Complete:
                        input.AdvanceTo(buffer.GetPosition(result.Consumed));
                        return result.Source;
                    case ProxyParseStatus.NeedMore when !read.IsCompleted && !read.IsCanceled:
                        input.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    default:
                        input.AdvanceTo(buffer.Start, buffer.End);
                        return null;
                }
            }
        }
#pragma warning disable CA1031 // Any transport failure before the header simply closes the connection, silently.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static void SetRemoteEndPoint(ConnectionContext connection, IPEndPoint source)
    {
        connection.RemoteEndPoint = source;

        var endPointFeature = connection.Features.Get<IConnectionEndPointFeature>();
        if (endPointFeature is not null && !ReferenceEquals(endPointFeature, connection))
        {
            endPointFeature.RemoteEndPoint = source;
        }

        var httpConnection = connection.Features.Get<IHttpConnectionFeature>();
        if (httpConnection is not null)
        {
            httpConnection.RemoteIpAddress = source.Address;
            httpConnection.RemotePort = source.Port;
        }
    }
}
