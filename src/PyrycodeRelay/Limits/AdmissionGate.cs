using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Limits;

/// <summary>
/// Steps 1 and 2 of docs/protocol.md#before-the-upgrade for one endpoint request: the per-IP rate limit (429 and WARN
/// <c>rate_limited</c>) then the global connection cap (503 and WARN <c>conn_cap_reached</c>). Metrics are
/// left to the caller, which gets the <see cref="AdmissionOutcome"/>.
/// </summary>
internal sealed class AdmissionGate : IDisposable
{
    private readonly RateLimiter _limiter;
    private readonly ConnectionCap _cap;
    private readonly bool _trustForwardedFor;
    private readonly ILogger _logger;
    private readonly Func<bool>? _clusterUp;
    private readonly string _nodeId;

    /// <summary>
    /// Creates the gate; it owns <paramref name="limiter"/> and <paramref name="cap"/> from now on. In cluster mode
    /// <paramref name="clusterUp"/> says whether Redis is reachable: while it is not, upgrades are answered 503 after
    /// the rate limit and before the cap (docs/operations.md#running-a-cluster).
    /// </summary>
    public AdmissionGate(RateLimiter limiter, ConnectionCap cap, bool trustForwardedFor, ILogger logger, Func<bool>? clusterUp = null, string nodeId = "")
    {
        _clusterUp = clusterUp;
        _nodeId = nodeId;
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(cap);
        ArgumentNullException.ThrowIfNull(logger);
        _limiter = limiter;
        _cap = cap;
        _trustForwardedFor = trustForwardedFor;
        _logger = logger;
    }

    /// <summary>The per-IP upgrade rate limiter (docs/operations.md#rate-limiting).</summary>
    public RateLimiter RateLimiter => _limiter;

    /// <summary>The global connection cap (docs/operations.md#connection-cap).</summary>
    public ConnectionCap ConnectionCap => _cap;

    /// <summary>
    /// Runs the rate limit then the cap. On <see cref="AdmissionOutcome.Admitted"/> the returned slot is held
    /// and also registered with <see cref="HttpResponse.RegisterForDispose"/>, so it is released when the
    /// request ends at the latest (the caller may release it earlier; release is idempotent). On a rejection
    /// the response has been written and the slot is null.
    /// </summary>
    public async ValueTask<(AdmissionOutcome Outcome, ConnectionSlot? Slot)> AdmitAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = ClientIp.RateLimitKey(context, _trustForwardedFor);
        if (!_limiter.TryAcquire(key))
        {
            RelayLog.RateLimited(_logger, ClientIp.QuoteForRateLimitLog(key));
            await LimitResponses.WriteTooManyRequestsAsync(context);
            return (AdmissionOutcome.RateLimited, null);
        }

        if (_clusterUp is { } up && !up())
        {
            ClusterLogUnavailable(context);
            await LimitResponses.WriteServiceUnavailableAsync(context);
            return (AdmissionOutcome.ClusterDown, null);
        }

        var slot = _cap.TryAcquire();
        if (slot is null)
        {
            RelayLog.ConnCapReached(_logger, context.Request.Path.Value ?? "", ClientIp.PeerIp(context));
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
}
