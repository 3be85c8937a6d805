using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Tests.Registry;

/// <summary>
/// A binary connection as the registry sees it. Its probe answers <see cref="Pong"/> at once, or, when that is
/// null, stays pending until <see cref="AnswerProbe"/> (concurrent probes share one answer, as one Ping does).
/// </summary>
internal sealed class FakeBinary(string serverId) : IRegistryBinary
{
    private TaskCompletionSource<bool>? _pending;

    public string ServerId { get; } = serverId;

    public bool? Pong { get; set; } = true;

    public List<TimeSpan> ProbeTimeouts { get; } = [];

    public Task<bool> ProbeAsync(TimeSpan timeout)
    {
        ProbeTimeouts.Add(timeout);
        if (Pong is { } pong)
        {
            return Task.FromResult(pong);
        }

        _pending ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _pending.Task;
    }

    public void AnswerProbe(bool pong) => _pending!.SetResult(pong);
}

/// <summary>A phone connection as the registry sees it: only its binding.</summary>
internal sealed class FakePhone(PhoneBinding<FakeBinary, FakePhone> binding) : IRegistryPhone<FakeBinary, FakePhone>
{
    public PhoneBinding<FakeBinary, FakePhone> Binding { get; } = binding;
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
