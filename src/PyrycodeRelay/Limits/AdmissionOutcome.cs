namespace PyrycodeRelay.Limits;

/// <summary>The result of steps 1–2 of docs/protocol.md#before-the-upgrade (see <see cref="AdmissionGate"/>).</summary>
internal enum AdmissionOutcome
{
    /// <summary>A token and a slot were taken; continue with the header gate.</summary>
    Admitted,

    /// <summary>Step 1 failed: 429 written, <c>rate_limited</c> logged (outcome <c>reject_rate_limit</c>).</summary>
    RateLimited,

    /// <summary>Cluster mode: Redis is unreachable; 503 written, <c>cluster_unavailable</c> logged (no metric).</summary>
    ClusterDown,

    /// <summary>Step 2 failed on the per-source cap: 429 written, <c>source_conn_cap_reached</c> logged (no metric).</summary>
    SourceCapReached,

    /// <summary>Step 2 failed on the global cap or the endpoint's share of it: 503 written, <c>conn_cap_reached</c> logged (no metric).</summary>
    AtCapacity,
}
