using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Transport;

/// <summary>
/// One accepted TCP connection of the epoll transport, as Kestrel sees it: a <see cref="ConnectionContext"/> whose
/// <see cref="Transport"/> is a pair of pipes. Its <see cref="EpollLoop"/> receives into the input pipe when the
/// socket turns readable and flushes inline, so the application (TLS, HTTP/1.1, the relay's WebSocket framing and
/// forwarding) runs on the loop's thread; whatever the application flushes into the output pipe is sent inline on
/// the flushing thread, and only a send the kernel cannot take waits for the loop's writable event.
/// </summary>
/// <remarks>
/// The socket closes when both sides are done (the receive side at end of stream, error or abort; the send side when
/// the application completes its output or a send fails), so no <c>recv</c> or <c>send</c> can race the close.
/// <see cref="Abort(ConnectionAbortedException)"/> shuts the socket down, which ends both sides, as Kestrel's socket
/// transport does.
/// </remarks>
internal sealed partial class EpollConnection : ConnectionContext
{
    private static long s_ids;

    private readonly Lock _lock = new();
    private readonly Socket _socket;
    private readonly Pipe _inputPipe;
    private readonly Pipe _outputPipe;
    private readonly PipeWriter _input;
    private readonly PipeReader _output;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _processed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _id = Interlocked.Increment(ref s_ids);
    private string? _connectionId;
    private IDictionary<object, object?>? _items;
    private Exception? _shutdownReason;
    private bool _shutdown;
    private int _sidesDone;

    public EpollConnection(Socket socket, MemoryPool<byte> pool, PipeOptions inputOptions, PipeOptions outputOptions)
    {
        _socket = socket;
        Fd = (int)socket.SafeHandle.DangerousGetHandle();
        MemoryPool = pool;
        _inputPipe = new Pipe(inputOptions);
        _outputPipe = new Pipe(outputOptions);
        _input = _inputPipe.Writer;
        _output = _outputPipe.Reader;
        Transport = new DuplexPipe(_inputPipe.Reader, _outputPipe.Writer);
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionClosed = _closed.Token;
    }

    /// <summary>The socket's descriptor, valid until both sides are done.</summary>
    internal int Fd { get; }

    /// <summary>The loop the socket is registered on.</summary>
    internal EpollLoop? Loop { get; set; }

    /// <summary>The connection's epoll data: slot and serial on its loop.</summary>
    internal ulong Token { get; set; }

    /// <summary>Completes when the socket is closed (both sides done).</summary>
    internal Task Processed => _processed.Task;

    public override string ConnectionId
    {
        get => _connectionId ??= $"E{_id:X12}";
        set => _connectionId = value;
    }

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override IDuplexPipe Transport { get; set; }

    public MemoryPool<byte> MemoryPool { get; }

    /// <summary>Starts receiving and sending; call once, after the socket is registered on a loop.</summary>
    public void Start()
    {
        _ = SendLoopAsync();
        OnReadable(); // the registration reports data that came before it too; this costs one recv and relies on nothing
    }

    /// <summary>Dispatches a loop's events (the loop's thread).</summary>
    public void OnEvents(uint events)
    {
        if ((events & (LinuxSockets.EPOLLOUT | LinuxSockets.EPOLLERR | LinuxSockets.EPOLLHUP)) != 0)
        {
            OnWritable();
        }

        if ((events & (LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLERR | LinuxSockets.EPOLLHUP)) != 0)
        {
            // The peer's FIN (or an error) may have come with the last data in one edge: no later event will report
            // it, so the receive reads on past a short read until the end of stream (as nginx's pending_eof).
            _peerClosed = true;
        }

        if ((events & (LinuxSockets.EPOLLIN | LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLERR | LinuxSockets.EPOLLHUP)) != 0)
        {
            OnReadable();
        }
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        Shutdown(abortReason);
        _output.CancelPendingRead();
    }

    public override async ValueTask DisposeAsync()
    {
        // The application's ends, as Kestrel's transports do: the send loop then ends, which shuts the socket down.
        _inputPipe.Reader.Complete();
        _outputPipe.Writer.Complete();
        await _processed.Task.ConfigureAwait(false);
        _closed.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Shuts the socket down once (both directions) and ends whichever side is idle.</summary>
    private void Shutdown(Exception? reason)
    {
        bool endReceive;
        bool cancelFlush;
        bool wakeSender;
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            _shutdown = true;
            _shutdownReason = reason ?? new ConnectionAbortedException("The epoll transport's send loop completed gracefully.");
            endReceive = _receive == ReceiveState.Idle;
            cancelFlush = _receive is ReceiveState.Receiving or ReceiveState.Paused;
            if (endReceive)
            {
                _receive = ReceiveState.Done;
            }

            wakeSender = _sendWaiting == 1;
            _sendWaiting = 0;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Both sides are done and the socket is closed.
        }

        if (wakeSender)
        {
            _writable.SetResult(false);
        }

        if (endReceive)
        {
            CompleteReceive(null);
        }
        else if (cancelFlush)
        {
            _input.CancelPendingFlush(); // a receive paused on a full input pipe resumes and ends
        }
    }

    /// <summary>One side is done; the second closes the socket.</summary>
    private void SideDone()
    {
        if (Interlocked.Increment(ref _sidesDone) != 2)
        {
            return;
        }

        Loop?.Remove(this);
        _socket.Dispose();
        _processed.TrySetResult();
    }

    private void FireConnectionClosed() =>
        ThreadPool.UnsafeQueueUserWorkItem(static cts =>
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Disposed after both sides ended: nobody is listening any more.
            }
        }, _closed, preferLocal: false);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
