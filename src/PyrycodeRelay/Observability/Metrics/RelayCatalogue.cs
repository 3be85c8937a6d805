using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Observability.Metrics;

/// <summary>
/// The metrics catalogue of docs/metrics.md#catalogue, in exposition order: the only families the metrics
/// listener ever renders, each with its exact name, type, HELP text and closed label sets.
/// </summary>
internal static class RelayCatalogue
{
    /// <summary><c>pyrycode_relay_connected_binaries</c></summary>
    public const string ConnectedBinaries = "pyrycode_relay_connected_binaries";

    /// <summary><c>pyrycode_relay_connected_phones</c></summary>
    public const string ConnectedPhones = "pyrycode_relay_connected_phones";

    /// <summary><c>pyrycode_relay_frames_forwarded_total</c></summary>
    public const string FramesForwarded = "pyrycode_relay_frames_forwarded_total";

    /// <summary><c>pyrycode_relay_grace_expiries_total</c></summary>
    public const string GraceExpiries = "pyrycode_relay_grace_expiries_total";

    /// <summary><c>pyrycode_relay_ws_upgrade_attempts_total</c></summary>
    public const string UpgradeAttempts = "pyrycode_relay_ws_upgrade_attempts_total";

    /// <summary><c>pyrycode_relay_register_failures_total</c></summary>
    public const string RegisterFailures = "pyrycode_relay_register_failures_total";

    /// <summary><c>pyrycode_relay_push_wakes_total</c> (only when push is on).</summary>
    public const string PushWakes = PushMetrics.InstrumentName;

    /// <summary><c>pyrycode_relay_bytes_forwarded_total</c></summary>
    public const string BytesForwarded = "pyrycode_relay_bytes_forwarded_total";

    /// <summary><c>pyrycode_relay_forward_latency_seconds</c></summary>
    public const string ForwardLatency = "pyrycode_relay_forward_latency_seconds";

    /// <summary><c>pyrycode_relay_outbox_queued_bytes</c></summary>
    public const string OutboxQueuedBytes = "pyrycode_relay_outbox_queued_bytes";

    /// <summary><c>pyrycode_relay_frames_dropped_total</c></summary>
    public const string FramesDropped = "pyrycode_relay_frames_dropped_total";

    /// <summary><c>pyrycode_relay_connection_closes_total</c></summary>
    public const string ConnectionCloses = "pyrycode_relay_connection_closes_total";

    /// <summary><c>pyrycode_relay_claim_source_changes_total</c> (issue 13: reclaims and takeovers from another source network)</summary>
    public const string ServerIdSourceChanges = "pyrycode_relay_claim_source_changes_total";

    /// <summary><c>pyrycode_relay_log_lines_dropped_total</c> (issue 13: the log queue was full)</summary>
    public const string LogLinesDropped = "pyrycode_relay_log_lines_dropped_total";
    /// <summary><c>pyrycode_relay_cluster_messages_total</c> (cluster mode only).</summary>
    public const string ClusterMessages = "pyrycode_relay_cluster_messages_total";

    /// <summary><c>pyrycode_relay_cluster_remote_phones</c> (cluster mode only).</summary>
    public const string ClusterRemotePhones = "pyrycode_relay_cluster_remote_phones";

    /// <summary><c>pyrycode_relay_cluster_link_losses_total</c> (cluster mode only).</summary>
    public const string ClusterLinkLosses = "pyrycode_relay_cluster_link_losses_total";

    /// <summary><c>pyrycode_relay_cluster_redis_up</c> (cluster mode only).</summary>
    public const string ClusterRedisUp = "pyrycode_relay_cluster_redis_up";

    /// <summary><c>pyrycode_relay_cluster_stale_epoch_drops_total</c> (cluster mode only).</summary>
    public const string ClusterStaleEpochDrops = "pyrycode_relay_cluster_stale_epoch_drops_total";

    private static readonly MetricLabel DirectionLabel = new("direction", Labels.Directions);
    private static readonly MetricLabel EndpointLabel = new("endpoint", Labels.Endpoints);

    /// <summary>Every family, in exposition order.</summary>
    public static readonly IReadOnlyList<MetricFamily> Families =
    [
        new(ConnectedBinaries, MetricKind.Gauge,
            "Number of pyrycode binary connections currently held by the relay registry."),
        new(ConnectedPhones, MetricKind.Gauge,
            "Number of mobile client connections currently held by the relay registry, summed across all server-ids."),
        new(FramesForwarded, MetricKind.Counter,
            "Messages written to their destination, by direction. Drops, errors, unwritten frames and close notices are not counted.",
            [DirectionLabel]),
        new(GraceExpiries, MetricKind.Counter,
            "Grace periods that actually freed a server-id."),
        new(UpgradeAttempts, MetricKind.Counter,
            "WebSocket upgrade attempts by endpoint and terminal outcome.",
            [EndpointLabel, new("outcome", Labels.Outcomes)]),
        new(RegisterFailures, MetricKind.Counter,
            "Registration failures by kind.",
            [new("kind", Labels.FailureKinds)]),
        new(PushWakes, MetricKind.Counter,
            "Push wakes by outcome: admitted wakes by result, and refusals by the rate limit or in-flight cap.",
            [new("outcome", PushMetrics.OutcomeLabels)]),
        new(BytesForwarded, MetricKind.Counter,
            "Payload bytes of the forwarded messages (the whole envelope toward the binary, the frame toward a phone), by direction.",
            [DirectionLabel]),
        new(ForwardLatency, MetricKind.Histogram,
            "Seconds from a message being fully read to its forward write completing, by direction.",
            [DirectionLabel], RelayMetrics.LatencyBuckets),
        new(OutboxQueuedBytes, MetricKind.Gauge,
            "Current relay-wide outbox charge in bytes, comparable with --outbox-budget-bytes."),
        new(FramesDropped, MetricKind.Counter,
            "Messages the relay received but did not deliver, by direction and reason.",
            [DirectionLabel, new("reason", Labels.DropReasons)],
            isSeries: static ix => (int)Labels.DirectionOf((DropReason)ix[1]) == ix[0]),
        new(ConnectionCloses, MetricKind.Counter,
            "Upgraded connections that ended, by endpoint and cause.",
            [EndpointLabel, new("cause", Labels.CloseCauses)]),
        new(ServerIdSourceChanges, MetricKind.Counter,
            "Reclaims and takeovers of a server-id from a source network unlike the previous holder's, by claim kind.",
            [new("claim", Labels.SourceChanges)]),
        new(LogLinesDropped, MetricKind.Counter,
            "Log lines dropped because the queue in front of stderr was full (stderr read too slowly)."),

        // Cluster mode only (docs/metrics.md): rendered once the cluster's instruments exist.
        new(ClusterMessages, MetricKind.Counter,
            "Cross-node messages published to another node's inbox, by the direction of the data they carry.",
            [DirectionLabel]),
        new(ClusterRemotePhones, MetricKind.Gauge,
            "Phones on other nodes bound to a binary held by this node."),
        new(ClusterLinkLosses, MetricKind.Counter,
            "Cross-node phones closed 1011 cluster link lost (sequence gap, lost subscription, unreachable Redis, no answer)."),
        new(ClusterRedisUp, MetricKind.Gauge,
            "1 while this node's Redis connection answers, else 0."),
        new(ClusterStaleEpochDrops, MetricKind.Counter,
            "Cross-node messages dropped because they carried an older epoch than the claim in force."),
    ];

    /// <summary>The family named <paramref name="name"/>, or null when it is not in the catalogue.</summary>
    public static MetricFamily? Find(string name)
    {
        foreach (var family in Families)
        {
            if (string.Equals(family.Name, name, StringComparison.Ordinal))
            {
                return family;
            }
        }

        return null;
    }
}
