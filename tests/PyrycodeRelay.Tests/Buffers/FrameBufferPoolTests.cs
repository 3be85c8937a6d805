using PyrycodeRelay.Buffers;

namespace PyrycodeRelay.Tests.Buffers;

/// <summary>
/// <see cref="FrameBufferPool"/>: small rents from the shared pool, large ones from a pool whose retention is
/// bounded per size class. Each test uses its own instance (the relay's is process-wide and used in parallel).
/// </summary>
public sealed class FrameBufferPoolTests
{
    private const int KiB = 1024;

    [Theory]
    [InlineData(1, 16)]
    [InlineData(100, 128)]
    [InlineData(64 * KiB, 64 * KiB)]
    [InlineData((64 * KiB) + 1, 128 * KiB)]
    [InlineData(200 * KiB, 256 * KiB)]
    [InlineData(256 * KiB, 256 * KiB)]
    [InlineData(1024 * KiB, 1024 * KiB)]
    [InlineData((1024 * KiB) + 1, (1024 * KiB) + 1)]
    public void Rent_rounds_up_to_the_size_class_and_above_the_largest_class_is_exact(int request, int length)
    {
        var pool = new FrameBufferPool(1024 * KiB, 4);
        var buffer = pool.Rent(request);
        Assert.Equal(length, buffer.Length);
        pool.Return(buffer);
    }

    [Fact]
    public void Large_arrays_beyond_the_per_size_bound_are_not_retained()
    {
        var pool = new FrameBufferPool(1024 * KiB, 4);
        var first = Enumerable.Range(0, 40).Select(_ => pool.Rent(200 * KiB)).ToList();
        Assert.Equal(40, first.Distinct(ReferenceEqualityComparer.Instance).Count());
        first.ForEach(pool.Return);

        // A rent may be served from its size class or the next one up, so 4 per class can mean 8 for one size;
        // what is retained never exceeds the stated bound, and most of the 40 were dropped.
        var second = Enumerable.Range(0, 40).Select(_ => pool.Rent(200 * KiB)).ToList();
        var reused = second.Where(b => first.Contains(b, ReferenceEqualityComparer.Instance)).ToList();
        Assert.InRange(reused.Count, 4, 8);
        Assert.True(reused.Sum(b => (long)b.Length) <= pool.MaxRetainedBytes);
        second.ForEach(pool.Return);
    }

    [Fact]
    public void A_returned_large_array_is_reused_and_one_above_the_largest_class_is_dropped()
    {
        var pool = new FrameBufferPool(256 * KiB, 2);
        var large = pool.Rent(100 * KiB);
        pool.Return(large);
        Assert.Same(large, pool.Rent(128 * KiB));

        var huge = pool.Rent(300 * KiB);
        pool.Return(huge); // not pooled: dropped without an error
        Assert.NotSame(huge, pool.Rent(300 * KiB));
    }

    [Fact]
    public void MaxRetainedBytes_counts_every_large_size_class()
    {
        Assert.Equal(8L * (128 + 256 + 512 + 1024) * KiB, FrameBufferPool.Instance.MaxRetainedBytes);
        Assert.Equal(2L * (128 + 256) * KiB, new FrameBufferPool(256 * KiB, 2).MaxRetainedBytes);
    }

    [Fact]
    public void Constructor_rejects_a_bound_that_is_not_a_large_power_of_two()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameBufferPool(64 * KiB, 4));
        Assert.Throws<ArgumentException>(() => new FrameBufferPool(300 * KiB, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameBufferPool(256 * KiB, 0));
    }
}
