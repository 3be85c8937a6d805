using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// Gives Kestrel's socket transport <see cref="TransportMemoryPool"/>s (registered as the host's
/// <see cref="IMemoryPoolFactory{T}"/>, which <c>UseSockets</c> passes to the transport; one pool per I/O queue).
/// </summary>
internal sealed class TransportMemoryPoolFactory(int blockSize, long maxRetainedBytes) : IMemoryPoolFactory<byte>
{
    private readonly ConcurrentQueue<TransportMemoryPool> _pools = new();

    /// <summary>The pools handed out so far (tests: the transport really receives into them).</summary>
    internal IReadOnlyCollection<TransportMemoryPool> Pools => _pools;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new TransportMemoryPool(blockSize, maxRetainedBytes);
        _pools.Enqueue(pool);
        return pool;
    }
}
