using System.Buffers;

namespace PyrycodeRelay.Buffers;

/// <summary>
/// Where the relay rents the bytes of messages being reassembled and of frames waiting in a phone's outbox.
/// Up to <see cref="SharedPoolMaxBytes"/> (every frame of a normal session) they come from
/// <see cref="ArrayPool{T}.Shared"/>, whose per-core and per-thread caches keep the hot path lock-free.
/// Larger ones — large-object-heap sizes, only seen with big messages — come from a relay-owned pool that keeps
/// at most a fixed number of arrays per size class, so what bursts of large messages leave retained is bounded
/// by <see cref="MaxRetainedBytes"/>. (The shared pool caches up to 32 arrays per size class and core plus one
/// per thread, and only trims after gen2 collections, which a quiet relay hardly has: the soak saw its large
/// object heap still growing after 20 minutes.) Arrays above the largest pooled size are allocated and
/// dropped, left to the GC.
/// </summary>
internal sealed class FrameBufferPool
{
    /// <summary>The largest rent served by the shared pool (64 KiB; below the 85,000-byte LOH threshold).</summary>
    public const int SharedPoolMaxBytes = 64 * 1024;

    private readonly ArrayPool<byte> _large;

    /// <summary>
    /// A pool that keeps at most <paramref name="arraysPerSize"/> arrays in each size class above
    /// <see cref="SharedPoolMaxBytes"/> up to <paramref name="maxPooledBytes"/> (a power of two).
    /// </summary>
    public FrameBufferPool(int maxPooledBytes, int arraysPerSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxPooledBytes, SharedPoolMaxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(arraysPerSize);
        if (!int.IsPow2(maxPooledBytes))
        {
            throw new ArgumentException("must be a power of two", nameof(maxPooledBytes));
        }

        _large = ArrayPool<byte>.Create(maxPooledBytes, arraysPerSize);
        for (long size = 2L * SharedPoolMaxBytes; size <= maxPooledBytes; size *= 2)
        {
            MaxRetainedBytes += size * arraysPerSize;
        }
    }

    /// <summary>
    /// The relay's pool: large sizes up to 1 MiB (the default 256 KiB message limit fits, with room for
    /// a raised one), 8 arrays each — at most 15 MiB retained.
    /// </summary>
    public static FrameBufferPool Instance { get; } = new(1 << 20, 8);

    /// <summary>The most the large-size classes can retain (the shared pool's small arrays not counted).</summary>
    public long MaxRetainedBytes { get; }

    /// <summary>An array of at least <paramref name="minimumLength"/> bytes; give it back with <see cref="Return"/>.</summary>
    public byte[] Rent(int minimumLength) =>
        minimumLength <= SharedPoolMaxBytes ? ArrayPool<byte>.Shared.Rent(minimumLength) : _large.Rent(minimumLength);

    /// <summary>Gives back an array from <see cref="Rent"/> (the pool it came from follows from its length).</summary>
    public void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length <= SharedPoolMaxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        else
        {
            _large.Return(buffer);
        }
    }
}
