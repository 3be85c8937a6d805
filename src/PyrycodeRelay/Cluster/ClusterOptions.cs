using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Cluster;

/// <summary>Cluster-mode settings built from <see cref="RelayOptions"/> (docs/operations.md#running-a-cluster).</summary>
/// <param name="Address">The parsed <c>--cluster-redis</c>.</param>
/// <param name="NodeId">This node's id (<c>--node-id</c>, or the random default).</param>
/// <param name="Lease">
/// <c>--cluster-lease</c>: how long this node's claims outlive it without a renewal.
/// </param>
/// <param name="Password">The Redis password, or null. A secret: never logged.</param>
/// <param name="ProbeTimeout"><c>--conflict-probe-timeout</c>: also the longest wait for another node's answer.</param>
/// <param name="GracePeriod"><c>--grace-period</c>.</param>
/// <param name="PhonesPerServer"><c>--phones-per-server</c>, across all nodes.</param>
/// <param name="MaxServerIds"><c>--max-server-ids</c>: live and gracing server-ids of the whole cluster together.</param>
/// <param name="PhoneOutboxBytes">
/// <c>--phone-outbox-bytes</c>: on the binary's node, also the most one remote phone's frames may hold while they wait for
/// the binary's writer (docs/architecture.md#cluster-mode).
/// </param>
internal sealed record ClusterOptions(
    ClusterAddress Address, string NodeId, TimeSpan Lease, string? Password, TimeSpan ProbeTimeout, TimeSpan GracePeriod, int PhonesPerServer,
    int MaxServerIds, long PhoneOutboxBytes)
{
    /// <summary>How often the lease is renewed and Redis is checked: a third of the lease, at most one second.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromTicks(Math.Min(Lease.Ticks / 3, TimeSpan.TicksPerSecond));

    /// <summary>The cluster settings, or null in single-instance mode (no <c>--cluster-redis</c>).</summary>
    public static ClusterOptions? From(RelayOptions options, string? password)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClusterRedis.Length == 0)
        {
            return null;
        }

        var address = ClusterAddress.TryParse(options.ClusterRedis, out var error)
            ?? throw new ArgumentException(error, nameof(options)); // boot validated it
        var nodeId = options.NodeId.Length > 0 ? options.NodeId : NodeIds.NewId();
        return new ClusterOptions(address, nodeId, options.ClusterLease, string.IsNullOrEmpty(password) ? null : password,
            options.ConflictProbeTimeout, options.GracePeriod, options.PhonesPerServer, options.MaxServerIds, options.PhoneOutboxBytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"ClusterOptions {{ Address = {Address.Display}, NodeId = {NodeId}, Lease = {Lease} }}"; // never the password
}
