using PyrycodeRelay.Tests.Scenarios;

namespace PyrycodeRelay.Tests.Cluster.Scenarios;

/// <summary>
/// Every scenario of <see cref="OutboxOverflowTests"/> in cluster mode, with every phone on another node than its binary: the
/// outbox budgets apply on the phone's node, and the marker waits for that node to handle what the binary's node
/// published (Scenarios/Support/Marker).
/// </summary>
public sealed class OutboxOverflowCrossNodeTests : OutboxOverflowTests
{
    private protected override bool CrossNode => true;
}
