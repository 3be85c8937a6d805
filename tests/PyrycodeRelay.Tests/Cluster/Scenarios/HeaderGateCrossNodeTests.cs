using PyrycodeRelay.Tests.Scenarios;

namespace PyrycodeRelay.Tests.Cluster.Scenarios;

/// <summary>
/// Every scenario of <see cref="HeaderGateTests"/> in cluster mode, with every phone on another node than its binary:
/// each node runs the gate for its own upgrades; the log assertions leave out only the Redis link line each node logs
/// at boot (<c>cluster_redis_up</c>), and metrics and counts are summed over both nodes.
/// </summary>
public sealed class HeaderGateCrossNodeTests : HeaderGateTests
{
    private protected override bool CrossNode => true;
}
