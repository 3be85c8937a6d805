using PyrycodeRelay.Configuration;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>
/// Base of the scenario classes that run twice: on one relay, and (in a derived <c>…CrossNodeTests</c> class under
/// <c>Cluster/Scenarios</c>) in cluster mode with every phone on another node than its binary.
/// </summary>
public abstract class RelayScenario
{
    /// <summary>Whether the scenarios run with every phone on another node (cluster mode).</summary>
    private protected virtual bool CrossNode => false;

    /// <summary>Starts the relay (or the two-node cluster) with the scenario defaults of <see cref="TestRelay.StartAsync(Func{RelayOptions, RelayOptions}?, IPushWakeHandler?, bool)"/>.</summary>
    private protected Task<TestRelay> StartRelayAsync(Func<RelayOptions, RelayOptions>? configure = null, IPushWakeHandler? push = null, bool metrics = false) =>
        CrossNode ? TestRelay.StartCrossNodeAsync(configure, push, metrics) : TestRelay.StartAsync(configure, push, metrics);

    /// <summary>
    /// Starts the relay (or the two-node cluster) as deployed: <see cref="TestRelay.Insecure"/> (the spec's defaults, the
    /// rate-limit burst of 20 included, which each node applies on its own) with metrics.
    /// </summary>
    private protected Task<TestRelay> StartInsecureRelayAsync() =>
        CrossNode
            ? TestRelay.StartCrossNodeAsync(o => TestRelay.Insecure() with { ClusterRedis = o.ClusterRedis, ClusterLease = o.ClusterLease }, metrics: true)
            : TestRelay.StartAsync(TestRelay.Insecure());
}
