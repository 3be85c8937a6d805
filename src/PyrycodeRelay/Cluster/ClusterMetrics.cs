using System.Diagnostics.Metrics;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Observability.Metrics;

namespace PyrycodeRelay.Cluster;

/// <summary>The cluster-mode instruments (docs/metrics.md), created only in cluster mode on the relay's meter.</summary>
internal sealed class ClusterMetrics
{
    private readonly Counter<long> _messages;
    private readonly Counter<long> _linkLosses;
    private readonly Counter<long> _staleEpochDrops;

    /// <summary>Creates the instruments; the gauges read <paramref name="redisUp"/> and <paramref name="remotePhones"/> at scrape.</summary>
    public ClusterMetrics(RelayMetrics metrics, Func<bool> redisUp, Func<long> remotePhones)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var meter = metrics.Meter;
        _messages = meter.CreateCounter<long>(RelayCatalogue.ClusterMessages, description: Help(RelayCatalogue.ClusterMessages));
        _linkLosses = meter.CreateCounter<long>(RelayCatalogue.ClusterLinkLosses, description: Help(RelayCatalogue.ClusterLinkLosses));
        _staleEpochDrops = meter.CreateCounter<long>(RelayCatalogue.ClusterStaleEpochDrops, description: Help(RelayCatalogue.ClusterStaleEpochDrops));
        meter.CreateObservableGauge(RelayCatalogue.ClusterRedisUp, () => redisUp() ? 1L : 0L, description: Help(RelayCatalogue.ClusterRedisUp));
        meter.CreateObservableGauge(RelayCatalogue.ClusterRemotePhones, remotePhones, description: Help(RelayCatalogue.ClusterRemotePhones));
    }

    /// <summary>One message published to another node.</summary>
    public void Message(Direction direction) =>
        _messages.Add(1, new KeyValuePair<string, object?>("direction", Labels.Of(direction)));

    /// <summary>One cross-node phone closed <c>1011 cluster link lost</c>.</summary>
    public void LinkLost() => _linkLosses.Add(1);

    /// <summary>One message dropped for its old epoch.</summary>
    public void StaleEpochDrop() => _staleEpochDrops.Add(1);

    private static string Help(string family) => RelayCatalogue.Find(family)!.Help;
}
