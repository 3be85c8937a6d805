using PyrycodeRelay.Tests.Scenarios;

namespace PyrycodeRelay.Tests.Cluster.Scenarios;

/// <summary>Every scenario of <see cref="LimitsTests"/> in cluster mode, with every phone on another node than its binary.</summary>
public sealed class LimitsCrossNodeTests : LimitsTests
{
    private protected override bool CrossNode => true;
}
