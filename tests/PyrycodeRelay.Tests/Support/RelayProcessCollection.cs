namespace PyrycodeRelay.Tests.Support;

/// <summary>Process tests run one at a time (the machine has 2 shared cores).</summary>
[CollectionDefinition(Name)]
public sealed class RelayProcessCollection
{
    public const string Name = "relay process";
}
