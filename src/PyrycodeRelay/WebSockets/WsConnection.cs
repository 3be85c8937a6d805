using System.Buffers;
using System.IO.Pipelines;

namespace PyrycodeRelay.WebSockets;

/// <summary>
/// One server-side RFC 6455 connection over a raw duplex pipe (Kestrel's connection transport after the
/// HTTP/1.1 upgrade). One reader (the owner's loop calling <see cref="ReceiveAsync"/>) and any number of
/// writers; one of them at a time owns the output (WsConnection.Writer.cs), so frames never interleave and
/// control frames go ahead of queued data. It owns what
/// <see cref="System.Net.WebSockets.WebSocket"/> cannot do: Pings on demand with Pong matching
/// (heartbeat and conflict probe), a close frame on heartbeat timeout, a per-message read deadline and
/// a per-write timeout, all armed only when needed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Its timers are disposed by MarkEnded, which the owner calls once after its last I/O.")]
internal sealed partial class WsConnection
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action _abortTransport;
    private readonly WsConnectionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    private int _aborted;
    private volatile WsAbortCause _abortCause;
    private volatile bool _closeSent;
    private volatile bool _closeReceived;
    private TaskCompletionSource? _ended;

    /// <summary>Creates a connection over <paramref name="input"/>/<paramref name="output"/>.</summary>
    /// <param name="input">Bytes from the peer (after the HTTP upgrade).</param>
    /// <param name="output">Bytes to the peer.</param>
    /// <param name="abortTransport">Tears the underlying connection down at once (e.g. <c>HttpContext.Abort</c>).</param>
    /// <param name="options">Limits and clock.</param>
    public WsConnection(PipeReader input, PipeWriter output, Action abortTransport, WsConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _input = input;
        _output = output;
        _abortTransport = abortTransport;
        _options = options;
        _time = options.Time;
    }

    /// <summary>The last received message; valid until the next <see cref="ReceiveAsync"/> call.</summary>
    public ReadOnlyMemory<byte> Message => _messageBuffer is null ? default : _messageBuffer.AsMemory(0, _messageLength);

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) when the bytes that completed the last message arrived.</summary>
    public long MessageCompletedAt { get; private set; }

    /// <summary>Whether a close frame has been sent (no data frame can follow).</summary>
    public bool CloseSent => _closeSent;

    /// <summary>Whether the peer's close frame has been received.</summary>
    public bool CloseReceived => _closeReceived;

    /// <summary>Why the relay aborted the transport, if it did.</summary>
    public WsAbortCause AbortCause => _abortCause;

    /// <summary>Whether the transport has been aborted.</summary>
    public bool IsAborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>Completes when the owner calls <see cref="MarkEnded"/> (the connection is finished).</summary>
    public Task Ended
    {
        get
        {
            lock (_gate)
            {
                _ended ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _ended.Task;
            }
        }
    }

    /// <summary>Aborts the transport at once (no close frame). The first cause wins.</summary>
    public void Abort(WsAbortCause cause = WsAbortCause.Requested)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        _abortCause = cause;
        try
        {
            _abortTransport();
        }
        catch (ObjectDisposedException)
        {
            // The transport is already gone.
        }
        catch (InvalidOperationException)
        {
            // The transport is already gone.
        }
    }

    /// <summary>
    /// Marks the connection finished: retires the writer (<see cref="RetireWriterAsync"/>), stops the heartbeat and
    /// every timer, releases buffers, fails a pending probe and completes <see cref="Ended"/>. Called once by the
    /// owner after its last I/O.
    /// </summary>
    public void MarkEnded()
    {
        _ = RetireWriterAsync(); // a safety net: the sessions await it before they end
        StopHeartbeat();
        DisposeTimers();
        ReleaseMessage();
        TaskCompletionSource? ended;
        lock (_gate)
        {
            _ended ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ended = _ended;
            _probe?.Completion.TrySetResult(false);
        }

        ended.TrySetResult();
    }

    private void ReleaseMessage()
    {
        var buffer = _messageBuffer;
        if (buffer is not null)
        {
            _messageBuffer = null;
            _messageLength = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
