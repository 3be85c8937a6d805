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

/// <summary>
/// A deterministic conn_id key source: the given values first, then 1, 2, 3, … Counts its draws so a test
/// can see the registry redraw on a collision.
/// </summary>
internal sealed class FakeConnIdKeys(params ulong[] first)
{
    private readonly Queue<ulong> _first = new(first);
    private ulong _next;

    public int Draws { get; private set; }

    public ulong Draw()
    {
        Draws++;
        return _first.TryDequeue(out var value) ? value : ++_next;
    }
}
