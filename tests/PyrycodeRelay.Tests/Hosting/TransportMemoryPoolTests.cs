using PyrycodeRelay.Hosting;

namespace PyrycodeRelay.Tests.Hosting;

/// <summary>The socket transport's large-block pool (issue 16: one receive takes up to one block).</summary>
public sealed class TransportMemoryPoolTests
{
    private const int Block = 32768;

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(Block)]
    public void Every_rent_is_one_whole_block(int size)
    {
        using var pool = new TransportMemoryPool(Block, 1 << 20);
        using var owner = pool.Rent(size);
        Assert.Equal(Block, owner.Memory.Length);
        Assert.Equal(Block, pool.MaxBufferSize);
    }

    [Fact]
    public void A_rent_larger_than_a_block_is_refused()
    {
        using var pool = new TransportMemoryPool(Block, 1 << 20);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(Block + 1));
        Assert.Equal("minBufferSize", error.ParamName);
    }

    [Fact]
    public void A_returned_block_is_reused()
    {
        using var pool = new TransportMemoryPool(Block, 1 << 20);
        var first = pool.Rent();
        first.Memory.Span[0] = 42;
        first.Dispose();
        Assert.Equal(1, pool.Retained);

        using var second = pool.Rent();
        Assert.Same(first, second);
        Assert.Equal(0, pool.Retained);
        Assert.Equal(1, pool.Allocated);
        Assert.Equal(42, second.Memory.Span[0]);
    }

    [Fact]
    public void Free_blocks_beyond_the_retention_cap_are_left_to_the_gc()
    {
        using var pool = new TransportMemoryPool(Block, 2L * Block); // keeps at most 2
        var owners = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();
        Assert.Equal(5, pool.Allocated);
        owners.ForEach(o => o.Dispose());
        Assert.Equal(2, pool.Retained);

        var again = Enumerable.Range(0, 3).Select(_ => pool.Rent()).ToList();
        Assert.Equal(6, pool.Allocated); // 2 reused, 1 new
        Assert.Equal(0, pool.Retained);
        again.ForEach(o => o.Dispose());
    }

    [Fact]
    public void A_disposed_pool_keeps_nothing_and_rents_nothing()
    {
        var pool = new TransportMemoryPool(Block, 1 << 20);
        var owner = pool.Rent();
        pool.Dispose();
        owner.Dispose(); // a pipe returning its block after the transport is gone
        Assert.Equal(0, pool.Retained);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }

    [Fact]
    public void A_block_smaller_than_kestrels_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TransportMemoryPool(2048, 1 << 20));
        Assert.Equal("blockSize", error.ParamName);
    }
}
