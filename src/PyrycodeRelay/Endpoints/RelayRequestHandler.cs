using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Limits;
using PyrycodeRelay.Observability.Metrics;

namespace PyrycodeRelay.Endpoints;

/// <summary>
/// The relay listener's only request delegate: exact, case-sensitive path match (query ignored), then
/// health, readiness, the four upgrade routes, or 404 (protocol.md §2). Upgrade routes pass the
/// admission steps first: per-IP rate limit, then a connection-cap slot held until the request has
/// fully ended (protocol.md §3.1 steps 1–2).
/// </summary>
internal sealed class RelayRequestHandler(HealthEndpoint health, UpgradeEndpoint upgrade, AdmissionGate admission, RelayMetrics metrics)
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

    private async Task UpgradeAsync(HttpContext context, RelayEndpoint endpoint)
    {
        var (outcome, slot) = await admission.AdmitAsync(context);
        if (outcome == AdmissionOutcome.RateLimited)
        {
            metrics.Upgrade(endpoint, UpgradeOutcome.RejectRateLimit);
            return;
        }

        if (slot is null)
        {
            return; // 503 written and logged; not counted
        }

        using (slot)
        {
            await upgrade.HandleAsync(context, endpoint, ClientIp.PeerIp(context));
        }
    }
}
