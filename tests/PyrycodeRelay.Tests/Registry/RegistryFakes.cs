using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Tests.Registry;

/// <summary>A binary connection as the registry sees it: only its server-id.</summary>
internal sealed class FakeBinary(string serverId) : IRegisteredBinary
{
    public string ServerId { get; } = serverId;
}

/// <summary>A phone connection as the registry sees it.</summary>
internal sealed class FakePhone(string serverId, ulong key, IRegisteredBinary bound) : IRegisteredPhone
{
    public string ServerId { get; } = serverId;

    public ulong Key { get; } = key;

    public IRegisteredBinary Bound { get; } = bound;
}
