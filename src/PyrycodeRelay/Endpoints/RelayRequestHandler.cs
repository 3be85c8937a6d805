using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Limits;
using PyrycodeRelay.Observability.Metrics;

namespace PyrycodeRelay.Endpoints;

/// <summary>
/// The relay listener's only request delegate: exact, case-sensitive path match (query ignored), then
/// health, readiness, the four upgrade routes, or 404 (docs/protocol.md#routes). Upgrade routes pass the
/// admission steps first: per-source rate limit, then a connection-cap slot (per-source cap, global cap with the
/// per-endpoint reserve) held until the request has
/// fully ended (docs/protocol.md#before-the-upgrade steps 1–2).
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

    // Not async on purpose: admission completes synchronously unless it writes a rejection, and the upgrade
    // task is returned as is, so no state machine of this method stays alive for the connection's lifetime
    // (idle memory, bench/performance-notes.md). The slot is released by RegisterForDispose when the request
    // ends, i.e. right after the connection ended.
    private Task UpgradeAsync(HttpContext context, RelayEndpoint endpoint)
    {
        var admit = admission.AdmitAsync(context, endpoint);
        if (!admit.IsCompletedSuccessfully)
        {
            return UpgradeAfterAdmissionAsync(context, endpoint, admit);
        }

        var (outcome, slot) = admit.Result;
        return Continue(context, endpoint, outcome, slot);
    }

    private async Task UpgradeAfterAdmissionAsync(HttpContext context, RelayEndpoint endpoint, ValueTask<(AdmissionOutcome Outcome, ConnectionSlot? Slot)> admit)
    {
        var (outcome, slot) = await admit;
        await Continue(context, endpoint, outcome, slot);
    }

    private Task Continue(HttpContext context, RelayEndpoint endpoint, AdmissionOutcome outcome, ConnectionSlot? slot)
    {
        if (outcome == AdmissionOutcome.RateLimited)
        {
            metrics.Upgrade(endpoint, UpgradeOutcome.RejectRateLimit);
            return Task.CompletedTask;
        }

        return slot is null
            ? Task.CompletedTask // 503 written and logged; not counted
            : upgrade.HandleAsync(context, endpoint, ClientIp.PeerIp(context), slot.Source);
    }
}
