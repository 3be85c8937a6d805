namespace PyrycodeRelay.Forwarding;

/// <summary>Terminal upgrade decision (label <c>outcome</c>, docs/metrics.md#catalogue).</summary>
internal enum UpgradeOutcome
{
    /// <summary><c>accept</c></summary>
    Accept,

    /// <summary><c>reject_headers</c></summary>
    RejectHeaders,

    /// <summary><c>reject_409</c></summary>
    Reject409,

    /// <summary><c>reject_404</c></summary>
    Reject404,

    /// <summary><c>reject_429</c></summary>
    Reject429,

    /// <summary><c>reject_rate_limit</c></summary>
    RejectRateLimit,
}
