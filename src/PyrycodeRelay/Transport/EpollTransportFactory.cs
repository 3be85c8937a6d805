using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace PyrycodeRelay.Transport;

/// <summary>
/// The relay's transport on Linux (docs/architecture.md#concurrency-model): binds TCP listeners as Kestrel's socket
/// transport does and serves their connections from <see cref="EpollLoop"/>s. Any other kind of endpoint goes to
/// <paramref name="fallback"/> (Kestrel's socket transport).
/// </summary>
/// <param name="fallback">Kestrel's socket transport, for endpoints that are not IP.</param>
/// <param name="pool">The pool every connection's pipes take their blocks from.</param>
/// <param name="maxReadBufferBytes">Read-ahead per connection: the input pipe's pause threshold (0 = unbounded).</param>
/// <param name="maxWriteBufferBytes">Unsent bytes per connection before the application's flush waits.</param>
internal sealed class EpollTransportFactory(IConnectionListenerFactory fallback, MemoryPool<byte> pool, int maxReadBufferBytes, int maxWriteBufferBytes)
    : IConnectionListenerFactory
{
    /// <summary>Pending connections the kernel queues per listener (Kestrel's default).</summary>
    private const int Backlog = 512;

    private long _accepted;

    /// <summary>Whether this process can use the transport (Linux: epoll).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Connections accepted and registered on a loop so far (tests).</summary>
    internal long Accepted => Interlocked.Read(ref _accepted);

    internal MemoryPool<byte> Pool => pool;

    internal PipeOptions InputOptions { get; } = Options(pool, maxReadBufferBytes);

    internal PipeOptions OutputOptions { get; } = Options(pool, maxWriteBufferBytes);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint)
        {
            return fallback.BindAsync(endpoint, cancellationToken);
        }

        Socket socket;
        try
        {
            socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(ex.Message, ex); // as Kestrel's transport: its bind fallbacks expect it
        }

        socket.Listen(Backlog);
        return new ValueTask<IConnectionListener>(new EpollListener(socket, this));
    }

    internal void OnAccepted() => Interlocked.Increment(ref _accepted);

    private static PipeOptions Options(MemoryPool<byte> pool, int maxBufferBytes) => new(
        pool,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: maxBufferBytes,
        resumeWriterThreshold: maxBufferBytes / 2,
        useSynchronizationContext: false);
}
