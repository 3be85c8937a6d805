using PyrycodeRelay.Tests.Scenarios;

namespace PyrycodeRelay.Tests.Cluster.Scenarios;

/// <summary>Every scenario of <see cref="ProtocolViolationTests"/> in cluster mode, with every phone on another node than its binary.</summary>
public sealed class ProtocolViolationCrossNodeTests : ProtocolViolationTests
{
    private protected override bool CrossNode => true;
}
