using PyrycodeRelay.Limits;

namespace PyrycodeRelay.Tests.Limits;

public class ConnectionCapTests
{
    [Fact]
    public void Acquire_up_to_capacity_then_null_and_release_frees_one_slot()
    {
        var cap = new ConnectionCap(2);
        var a = cap.TryAcquire();
        var b = cap.TryAcquire();
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Null(cap.TryAcquire());
        Assert.Equal(2, cap.Count);

        a.Release();
        Assert.Equal(1, cap.Count);
        Assert.False(a.IsHeld);
        Assert.True(b.IsHeld);
        var c = cap.TryAcquire();
        Assert.NotNull(c);
        Assert.Null(cap.TryAcquire());
    }

    [Fact]
    public void Release_and_dispose_are_idempotent()
    {
        var cap = new ConnectionCap(3);
        var a = cap.TryAcquire()!;
        var b = cap.TryAcquire()!;
        a.Release();
        a.Release();
        a.Dispose();
        Assert.Equal(1, cap.Count);
        b.Dispose();
        b.Release();
        Assert.Equal(0, cap.Count);
    }

    [Fact]
    public void Concurrent_acquire_never_exceeds_capacity_and_concurrent_double_release_frees_once()
    {
        var cap = new ConnectionCap(64);
        var maxSeen = 0;
        var acquired = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var slot = cap.TryAcquire();
                if (slot is null)
                {
                    continue;
                }

                Interlocked.Increment(ref acquired);
                var now = cap.Count;
                InterlockedMax(ref maxSeen, now);
                Parallel.Invoke(slot.Release, slot.Release);
            }
        });

        Assert.True(acquired > 0);
        Assert.True(maxSeen <= 64, $"count reached {maxSeen}");
        Assert.Equal(0, cap.Count);
    }

    [Fact]
    public void Contended_acquire_hands_out_exactly_capacity_slots()
    {
        var cap = new ConnectionCap(100);
        var slots = new System.Collections.Concurrent.ConcurrentBag<ConnectionSlot>();
        Parallel.For(0, 1000, _ =>
        {
            if (cap.TryAcquire() is { } slot)
            {
                slots.Add(slot);
            }
        });
        Assert.Equal(100, slots.Count);
        Assert.Equal(100, cap.Count);
        Parallel.ForEach(slots, s => { s.Release(); s.Release(); });
        Assert.Equal(0, cap.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
