using PyrycodeRelay.Tests.Scenarios;

namespace PyrycodeRelay.Tests.Cluster.Scenarios;

/// <summary>Every scenario of <see cref="ShutdownTests"/> in cluster mode, with every phone on another node than its binary.</summary>
public sealed class ShutdownCrossNodeTests : ShutdownTests
{
    private protected override bool CrossNode => true;

    /// <summary>
    /// Inherently single-node: in cluster mode a grace lives in Redis and is expired by whichever node first sees its
    /// deadline pass (docs/architecture.md#cluster-mode), so a node still draining may legitimately carry it out; one
    /// relay's shutdown abandoning its grace has no cluster counterpart. A node's shutdown putting its binary into grace
    /// for phones elsewhere is <c>CrossNodeTests.Graceful_shutdown_of_the_binarys_node_puts_its_binary_into_grace_for_phones_elsewhere</c>.
    /// </summary>
    [Fact(Skip = "single-node only: a cluster grace lives in Redis and any live node may expire it (docs/architecture.md#cluster-mode)")]
    public override Task Shutdown_AbandonsGrace_NoExpiry() => Task.CompletedTask;
}
