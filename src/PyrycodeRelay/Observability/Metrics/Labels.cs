using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Observability.Metrics;

/// <summary>The closed label-value sets: constant strings, so recording never allocates.</summary>
internal static class Labels
{
    /// <summary>All <c>direction</c> values.</summary>
    public static readonly string[] Directions = ["phone_to_binary", "binary_to_phone"];

    /// <summary>All <c>endpoint</c> values.</summary>
    public static readonly string[] Endpoints = ["server", "client"];

    /// <summary>All <c>outcome</c> values of ws_upgrade_attempts_total.</summary>
    public static readonly string[] Outcomes =
        ["accept", "reject_headers", "reject_409", "reject_404", "reject_429", "reject_rate_limit", "reject_capacity"];

    /// <summary>All <c>kind</c> values of register_failures_total.</summary>
    public static readonly string[] FailureKinds = ["no_server", "server_in_use", "phones_at_cap", "ratelimit"];

    /// <summary>All <c>reason</c> values of frames_dropped_total, indexed by <see cref="DropReason"/>.</summary>
    public static readonly string[] DropReasons =
        ["malformed_envelope", "unknown_conn_id", "outbox_overflow", "phone_write_failed", "phone_closed", "invalid_json", "no_binary", "binary_write_failed"];

    /// <summary>All <c>cause</c> values of connection_closes_total, indexed by <see cref="CloseCause"/>.</summary>
    public static readonly string[] CloseCauses =
        ["peer_closed", "peer_gone", "heartbeat_timeout", "too_big", "read_timeout", "write_failed", "backlog_full",
         "directive", "reclaimed", "grace_expired", "shutdown", "rejected", "invalid_frame", "no_binary", "protocol_error",
         "first_frame_timeout"];

    /// <summary>All <c>claim</c> values of claim_source_changes_total, indexed by <see cref="SourceChange"/>.</summary>
    public static readonly string[] SourceChanges = ["reclaim", "takeover"];

    /// <summary>The label value of <paramref name="value"/>.</summary>
    public static string Of(SourceChange value) => SourceChanges[(int)value];

    /// <summary>The label value of <paramref name="value"/>.</summary>
    public static string Of(Direction value) => Directions[(int)value];

    /// <summary>The label value of <paramref name="value"/>.</summary>
    public static string Of(RelayEndpoint value) => Endpoints[(int)value];

    /// <summary>The label value of <paramref name="value"/>.</summary>
    public static string Of(UpgradeOutcome value) => Outcomes[(int)value];

    /// <summary>The label value of <paramref name="value"/>.</summary>
    public static string Of(DropReason value) => DropReasons[(int)value];

    /// <summary>The label value of <paramref name="value"/>.</summary>
    public static string Of(CloseCause value) => CloseCauses[(int)value];

    /// <summary>Which directions a drop reason belongs to.</summary>
    public static Direction DirectionOf(DropReason value) =>
        value <= DropReason.PhoneClosed ? Direction.BinaryToPhone : Direction.PhoneToBinary;

    /// <summary>The register_failures_total kind that goes with an outcome, or null.</summary>
    public static string? FailureKind(UpgradeOutcome outcome) => outcome switch
    {
        UpgradeOutcome.Reject404 => "no_server",
        UpgradeOutcome.Reject409 => "server_in_use",
        UpgradeOutcome.Reject429 => "phones_at_cap",
        UpgradeOutcome.RejectRateLimit => "ratelimit",
        _ => null,
    };
}
