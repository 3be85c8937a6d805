using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Endpoints;

/// <summary>
/// The four upgrade routes (protocol.md §3): header gate → handshake → 101 → registry decision. The
/// admission steps before them (rate limit, connection cap) run in <see cref="RelayRequestHandler"/>.
/// </summary>
internal sealed class UpgradeEndpoint(RelayRuntime runtime)
{
    /// <summary>Handles an upgrade request for <paramref name="endpoint"/>; returns when the connection ended.</summary>
    public async Task HandleAsync(HttpContext context, RelayEndpoint endpoint, string remote)
    {
        string serverId, detail;
        var accepted = endpoint == RelayEndpoint.Server
            ? HeaderGate.TryAcceptBinary(context.Request.Headers, out serverId, out detail)
            : HeaderGate.TryAcceptPhone(context.Request.Headers, out serverId, out detail);
        if (!accepted)
        {
            runtime.Metrics.Upgrade(endpoint, UpgradeOutcome.RejectHeaders);
            await PlainResponses.RejectAsync(context, StatusCodes.Status400BadRequest);
            return;
        }

        var status = WsHandshake.Validate(context, out var accept);
        if (status != 0)
        {
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status426UpgradeRequired)
            {
                context.Response.Headers.SecWebSocketVersion = "13";
            }

            return;
        }

        var connection = await WsHandshake.AcceptAsync(context, accept, runtime.WsOptions);
        if (endpoint == RelayEndpoint.Server)
        {
            await BinarySession.RunAsync(runtime, connection, serverId, detail, remote);
        }
        else
        {
            await PhoneSession.RunAsync(runtime, connection, serverId, DeviceName.Sanitize(detail), remote);
        }
    }
}
