using BenchmarkDotNet.Attributes;
using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Benchmarks;

/// <summary>
/// Binary → phone hand-off: <see cref="PhoneOutbox"/> enqueue (copy into a pooled buffer, budgets charged),
/// dequeue by the drainer, and completion (budgets released, buffer returned) — docs/protocol.md#phone-outbox.
/// </summary>
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private PhoneOutbox _outbox = null!;
    private byte[] _frame = [];

    /// <summary>Frame size in bytes (128 KiB: the relay-owned large-buffer pool instead of ArrayPool.Shared).</summary>
    [Params(64, 4096, 131072)]
    public int Size { get; set; }

    /// <summary>
    /// Builds an outbox with the default budgets (4 MiB per phone, 256 MiB relay-wide); for 128 KiB frames the
    /// phone's budget is raised to 8 MiB so that a burst of 32 fits (at 4 MiB it would overflow and close the outbox).
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _outbox = new PhoneOutbox(Math.Max(4_194_304, 64L * Size), new OutboxBudget(268_435_456));
        _frame = SampleFrames.Encrypted(Size);
    }

    /// <summary>One frame through the outbox while the phone keeps up (queue length 1).</summary>
    [Benchmark]
    public int EnqueueDequeue()
    {
        _outbox.TryEnqueue(_frame, hasFrame: true, closeCode: 0, readAt: 0, out _, out _);
        _outbox.TryDequeue(out var item);
        _outbox.Complete(item);
        return item.Length;
    }

    /// <summary>A burst of 32 frames queued before the drainer takes them (a phone briefly behind), per frame.</summary>
    [Benchmark(OperationsPerInvoke = 32)]
    public int Burst32()
    {
        for (var i = 0; i < 32; i++)
        {
            _outbox.TryEnqueue(_frame, hasFrame: true, closeCode: 0, readAt: 0, out _, out _);
        }

        var n = 0;
        while (_outbox.TryDequeue(out var item))
        {
            _outbox.Complete(item);
            n += item.Length;
        }

        return n;
    }
}
