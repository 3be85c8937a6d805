using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Observability.Metrics;

namespace PyrycodeRelay.Endpoints;

/// <summary>
/// The relay listener's only request delegate: exact, case-sensitive path match (query ignored), then
/// health, readiness, the four upgrade routes, or 404 (protocol.md §2).
/// </summary>
internal sealed class RelayRequestHandler(HealthEndpoint health, UpgradeEndpoint upgrade)
{
    /// <summary>Serves one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value;
        return path switch
        {
            "/healthz" => health.HealthAsync(context),
            "/readyz" => health.ReadyAsync(context),
            "/v1/server" or "/v2/server" => UpgradeAsync(context, RelayEndpoint.Server),
            "/v1/client" or "/v2/client" => UpgradeAsync(context, RelayEndpoint.Client),
            _ => PlainResponses.NotFoundAsync(context),
        };
    }

    private Task UpgradeAsync(HttpContext context, RelayEndpoint endpoint)
    {
        var remote = PeerAddress.Render(context.Connection.RemoteIpAddress);
        return upgrade.HandleAsync(context, endpoint, remote);
    }
}
