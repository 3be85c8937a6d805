using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Limits;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>Issue 13 finding 1: the per-source cap and the per-endpoint reserve of <see cref="ConnectionCap"/>.</summary>
public class SourceCapTests
{
    [Fact]
    public void A_source_is_capped_and_other_sources_still_get_slots()
    {
        var cap = new ConnectionCap(100, perSource: 3);
        var held = new List<ConnectionSlot>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(CapDecision.Admitted, cap.TryAcquire(RelayEndpoint.Client, "192.0.2.1", out var slot));
            held.Add(slot!);
        }

        Assert.Equal(CapDecision.SourceFull, cap.TryAcquire(RelayEndpoint.Server, "192.0.2.1", out var refused));
        Assert.Null(refused);
        Assert.Equal(CapDecision.Admitted, cap.TryAcquire(RelayEndpoint.Server, "192.0.2.2", out var other));
        Assert.Equal(3, cap.CountOf("192.0.2.1"));
        Assert.Equal(4, cap.Count);

        held[0].Release();
        held[0].Release(); // idempotent
        Assert.Equal(2, cap.CountOf("192.0.2.1"));
        Assert.Equal(CapDecision.Admitted, cap.TryAcquire(RelayEndpoint.Client, "192.0.2.1", out _));
        other!.Release();
        Assert.Equal(1, cap.Sources); // an empty source entry is removed
    }

    [Fact]
    public void Each_endpoint_keeps_a_reserve_the_other_cannot_take()
    {
        var cap = new ConnectionCap(8, perSource: 100, reserve: ConnectionCap.ReserveFor(8, 8));
        Assert.Equal(1, cap.Reserve);
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(CapDecision.Admitted, cap.TryAcquire(RelayEndpoint.Client, "phone-" + i, out _));
        }

        // Phones filled their share: the 8th phone is refused while a reclaiming binary still gets the reserved slot.
        Assert.Equal(CapDecision.RelayFull, cap.TryAcquire(RelayEndpoint.Client, "phone-7", out _));
        Assert.Equal(CapDecision.Admitted, cap.TryAcquire(RelayEndpoint.Server, "binary", out _));
        Assert.Equal(CapDecision.RelayFull, cap.TryAcquire(RelayEndpoint.Server, "binary-2", out _));

        // The reverse: binaries cannot take the phones' reserve.
        var binaries = new ConnectionCap(8, perSource: 100, reserve: 1);
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(CapDecision.Admitted, binaries.TryAcquire(RelayEndpoint.Server, "b-" + i, out _));
        }

        Assert.Equal(CapDecision.RelayFull, binaries.TryAcquire(RelayEndpoint.Server, "b-7", out _));
        Assert.Equal(CapDecision.Admitted, binaries.TryAcquire(RelayEndpoint.Client, "p", out _));
    }

    [Theory]
    [InlineData(1024, 8, 128)]
    [InlineData(2, 8, 0)]
    [InlineData(7, 8, 0)]
    [InlineData(16, 8, 2)]
    [InlineData(16, 0, 0)]
    [InlineData(4, 1, 2)]
    public void The_reserve_is_a_share_of_the_cap_and_never_more_than_half(int capacity, int divisor, int expected) =>
        Assert.Equal(expected, ConnectionCap.ReserveFor(capacity, divisor));

    [Fact]
    public void Concurrent_acquire_and_release_keep_the_per_source_count_exact()
    {
        var cap = new ConnectionCap(1000, perSource: 5);
        var maxSeen = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, w =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                if (cap.TryAcquire(i % 2 == 0 ? RelayEndpoint.Client : RelayEndpoint.Server, "s", out var slot) != CapDecision.Admitted)
                {
                    continue;
                }

                var now = cap.CountOf("s");
                var seen = Volatile.Read(ref maxSeen);
                while (now > seen && Interlocked.CompareExchange(ref maxSeen, now, seen) != seen)
                {
                    seen = Volatile.Read(ref maxSeen);
                }

                slot!.Release();
            }
        });
        Assert.InRange(maxSeen, 1, 5);
        Assert.Equal(0, cap.Count);
        Assert.Equal(0, cap.Sources);
    }
}
