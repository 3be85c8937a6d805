using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Endpoints;

/// <summary>
/// The four upgrade routes (docs/protocol.md#before-the-upgrade): header gate → handshake → 101 → registry decision. The
/// admission steps before them (rate limit, connection cap) run in <see cref="RelayRequestHandler"/>.
/// </summary>
internal sealed class UpgradeEndpoint(SessionContext sessions, WsConnectionOptions wsOptions)
{
    /// <summary>Handles an upgrade request for <paramref name="endpoint"/>; the task completes when the connection ended.</summary>
    /// <remarks>
    /// Not async on purpose: the checks are synchronous and the 101 is normally flushed synchronously, so the
    /// returned task is the session's own and no frame of this method stays alive while the connection lives.
    /// </remarks>
    public Task HandleAsync(HttpContext context, RelayEndpoint endpoint, string remote, string source = "")
    {
        string serverId, detail;
        var accepted = endpoint == RelayEndpoint.Server
            ? HeaderGate.TryAcceptBinary(context.Request.Headers, out serverId, out detail)
            : HeaderGate.TryAcceptPhone(context.Request.Headers, out serverId, out detail);
        if (!accepted)
        {
            if (sessions.Logger.IsEnabled(LogLevel.Debug))
            {
                Hosting.OperatorLog.UpgradeRejected(sessions.Logger, context.Request.Path.Value ?? "",
                    "400: " + HeaderGate.RejectReason(endpoint, context.Request.Headers), remote);
            }

            sessions.Metrics.Upgrade(endpoint, UpgradeOutcome.RejectHeaders);
            return PlainResponses.RejectAsync(context, StatusCodes.Status400BadRequest);
        }

        var status = WsHandshake.Validate(context, out var accept);
        if (status != 0)
        {
            if (sessions.Logger.IsEnabled(LogLevel.Debug))
            {
                Hosting.OperatorLog.UpgradeRejected(sessions.Logger, context.Request.Path.Value ?? "",
                    status.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": not a valid WebSocket handshake", remote);
            }

            context.Response.StatusCode = status;
            if (status == StatusCodes.Status426UpgradeRequired)
            {
                context.Response.Headers.SecWebSocketVersion = "13";
            }

            return Task.CompletedTask;
        }

        context.Features.Get<Limits.PendingConnectionTicket>()?.Release(); // upgrading: the upgraded-connection caps count it now
        var origin = endpoint == RelayEndpoint.Server ? BinaryOrigin.From(context) : null;
        var accepting = WsHandshake.AcceptAsync(context, accept, wsOptions);
        return accepting.IsCompletedSuccessfully
            ? RunSession(accepting.Result, endpoint, serverId, detail, remote, origin, source)
            : RunAfterAcceptAsync(accepting, endpoint, serverId, detail, remote, origin, source);
    }

    private async Task RunAfterAcceptAsync(Task<WsConnection> accepting, RelayEndpoint endpoint, string serverId, string detail, string remote, BinaryOrigin? origin, string source) =>
        await RunSession(await accepting, endpoint, serverId, detail, remote, origin, source);

    private Task RunSession(WsConnection connection, RelayEndpoint endpoint, string serverId, string detail, string remote, BinaryOrigin? origin, string source) =>
        origin is not null
            ? BinarySession.RunAsync(sessions, connection, serverId, detail, remote, origin, source)
            : PhoneSession.RunAsync(sessions, connection, serverId, DeviceName.Sanitize(detail), remote);
}
