using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Limits;

/// <summary>
/// Steps 1 and 2 of docs/protocol.md#before-the-upgrade for one endpoint request: the per-source rate limit (429 and
/// WARN <c>rate_limited</c>), then the connection caps: the per-source cap (429 and WARN <c>source_conn_cap_reached</c>)
/// and the global cap with its per-endpoint reserve (503 and WARN <c>conn_cap_reached</c>). Metrics are left to the
/// caller, which gets the <see cref="AdmissionOutcome"/>.
/// </summary>
internal sealed class AdmissionGate : IDisposable
{
    private readonly RateLimiter _limiter;
    private readonly ConnectionCap _cap;
    private readonly ForwardedFor? _forwardedFor;
    private readonly ILogger _logger;
    private readonly Func<bool>? _clusterUp;
    private readonly string _nodeId;

    /// <summary>Creates the gate; it owns <paramref name="limiter"/> and <paramref name="cap"/> from now on.</summary>
    /// <param name="limiter">The per-source upgrade rate limiter.</param>
    /// <param name="cap">The connection caps.</param>
    /// <param name="forwardedFor">The client-address rule with <c>--trust-x-forwarded-for</c>; null when off.</param>
    /// <param name="logger">Where the refusals are logged.</param>
    /// <param name="clusterUp">
    /// Cluster mode: whether Redis is reachable; while it is not, upgrades are answered 503 after the rate limit and
    /// before the caps (docs/operations.md#running-a-cluster). Null in single-instance mode.
    /// </param>
    /// <param name="nodeId">Cluster mode: this node's id, for the log line.</param>
    public AdmissionGate(RateLimiter limiter, ConnectionCap cap, ForwardedFor? forwardedFor, ILogger logger, Func<bool>? clusterUp = null, string nodeId = "")
    {
        _clusterUp = clusterUp;
        _nodeId = nodeId;
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(cap);
        ArgumentNullException.ThrowIfNull(logger);
        _limiter = limiter;
        _cap = cap;
        _forwardedFor = forwardedFor;
        _logger = logger;
    }

    /// <summary>The per-source upgrade rate limiter (docs/operations.md#rate-limiting).</summary>
    public RateLimiter RateLimiter => _limiter;

    /// <summary>The connection caps (docs/operations.md#connection-cap, docs/operations.md#per-source-limits).</summary>
    public ConnectionCap ConnectionCap => _cap;

    /// <summary>
    /// Runs the rate limit then the caps. On <see cref="AdmissionOutcome.Admitted"/> the returned slot is held
    /// and also registered with <see cref="HttpResponse.RegisterForDispose"/>, so it is released when the
    /// request ends at the latest (the caller may release it earlier; release is idempotent). On a rejection
    /// the response has been written and the slot is null. Without <paramref name="endpoint"/> no endpoint reserve applies.
    /// </summary>
    public async ValueTask<(AdmissionOutcome Outcome, ConnectionSlot? Slot)> AdmitAsync(HttpContext context, RelayEndpoint? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = ClientIp.RateLimitKey(context, _forwardedFor);
        if (!_limiter.TryAcquire(key))
        {
            RelayLog.RateLimited(_logger, ClientIp.QuoteForRateLimitLog(key));
            Hosting.OperatorLog.UpgradeRejected(_logger, context.Request.Path.Value ?? "", "429: rate limited", ClientIp.PeerIp(context));
            await LimitResponses.WriteTooManyRequestsAsync(context);
            return (AdmissionOutcome.RateLimited, null);
        }

        if (_clusterUp is { } up && !up())
        {
            ClusterLogUnavailable(context);
            await LimitResponses.WriteServiceUnavailableAsync(context);
            return (AdmissionOutcome.ClusterDown, null);
        }

        ConnectionSlot? slot;
        var decision = endpoint is { } kind ? _cap.TryAcquire(kind, key, out slot) : Untyped(key, out slot);
        if (decision == CapDecision.SourceFull)
        {
            RelayLog.SourceConnCapReached(_logger, context.Request.Path.Value ?? "", key); // remote: the source key (IPv4, IPv6 /64)
            await LimitResponses.WriteTooManyRequestsAsync(context);
            return (AdmissionOutcome.SourceCapReached, null);
        }

        if (slot is null)
        {
            RelayLog.ConnCapReached(_logger, context.Request.Path.Value ?? "", ClientIp.PeerIp(context));
            Hosting.OperatorLog.UpgradeRejected(_logger, context.Request.Path.Value ?? "", "503: connection cap reached", ClientIp.PeerIp(context));
            await LimitResponses.WriteServiceUnavailableAsync(context);
            return (AdmissionOutcome.AtCapacity, null);
        }

        context.Response.RegisterForDispose(slot);
        return (AdmissionOutcome.Admitted, slot);
    }

    private void ClusterLogUnavailable(HttpContext context) =>
        Cluster.ClusterLog.Unavailable(_logger, _nodeId, context.Request.Path.Value ?? "", ClientIp.PeerIp(context));

    /// <summary>Stops the rate limiter's sweeper (at shutdown, after the listeners stopped).</summary>
    public void Dispose() => _limiter.Dispose();

    private CapDecision Untyped(string key, out ConnectionSlot? slot)
    {
        var (decision, taken) = _cap.TryAcquireUntyped(key);
        slot = taken;
        return decision;
    }
}
