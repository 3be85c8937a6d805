using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// The memory pool of Kestrel's socket transport (and of everything layered on its pipes: TLS, HTTP/1.1, the
/// relay's WebSocket framing): pinned blocks of one size, larger than Kestrel's 4 KiB. The transport receives
/// into one block per <c>recvfrom</c>, so the block size is the most a receive can take: with 4 KiB a 4 KiB frame
/// needs two receives and a 100 KiB message ~25, each after its 1-byte peek (bench/performance-notes.md,
/// issue 16). Idle connections hold no block (Kestrel waits for data before it takes one), and a block goes back
/// to the pool as soon as the pipe's reader has consumed it.
/// </summary>
/// <remarks>
/// Blocks are allocated on the pinned object heap (sockets and TLS pin their buffers for every operation; these
/// need no handle) and handed out as <see cref="MemoryMarshal.CreateFromPinnedArray{T}"/> memory. At most
/// <c>maxRetainedBytes</c> of free blocks are kept; a block returned beyond that is left to the GC, so a burst
/// does not pin its peak for the life of the process.
/// </remarks>
internal sealed class TransportMemoryPool : MemoryPool<byte>
{
    private readonly ConcurrentQueue<Block> _free = new();
    private readonly int _blockSize;
    private readonly int _maxRetained;
    private int _retained;
    private long _allocated;
    private volatile bool _disposed;

    public TransportMemoryPool(int blockSize, long maxRetainedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 4096);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetainedBytes);
        _blockSize = blockSize;
        _maxRetained = (int)Math.Min(int.MaxValue, maxRetainedBytes / blockSize);
    }

    /// <summary>Every block has this size; a pipe asks the pool only for sizes up to it.</summary>
    public override int MaxBufferSize => _blockSize;

    /// <summary>Every block has this size (tests).</summary>
    internal int BlockSize => _blockSize;

    /// <summary>Free blocks held for reuse (tests).</summary>
    internal int Retained => Volatile.Read(ref _retained);

    /// <summary>Blocks allocated so far, i.e. rents the free list could not serve (tests).</summary>
    internal long Allocated => Interlocked.Read(ref _allocated);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > _blockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, "larger than the pool's block size");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            return block;
        }

        Interlocked.Increment(ref _allocated);
        return new Block(this, GC.AllocateUninitializedArray<byte>(_blockSize, pinned: true));
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        while (_free.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _retained);
        }
    }

    private void Return(Block block)
    {
        if (_disposed)
        {
            return;
        }

        if (Interlocked.Increment(ref _retained) > _maxRetained)
        {
            Interlocked.Decrement(ref _retained); // over the cap: the GC takes it
            return;
        }

        _free.Enqueue(block);
    }

    /// <summary>One pinned block; disposing it returns it to its pool (a pipe disposes each block once).</summary>
    private sealed class Block(TransportMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = MemoryMarshal.CreateFromPinnedArray(array, 0, array.Length);

        public void Dispose() => pool.Return(this);
    }
}
