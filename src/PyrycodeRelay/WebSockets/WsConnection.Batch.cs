namespace PyrycodeRelay.WebSockets;

/// <summary>
/// Deferred flushes (<see cref="WriteBatch"/>): a data frame written while its sender is inside a reader's batch and
/// the writer is idle goes into the output pipe unflushed; the batch flushes it before its reader waits again, so
/// the frames one receive brought in leave in one send per destination. Any other owner's flush carries such frames
/// too (<see cref="TryFlush"/> clears the mark).
/// </summary>
internal sealed partial class WsConnection
{
    private bool _deferred;           // frames are in the output pipe that no flush has carried yet (owner writes it)
    private WriteBatch? _batch;       // the batch this connection last joined (under _writeGate)

    /// <summary>The batch of this connection's reader: flushed before the reader waits for the network (set by the session).</summary>
    public WriteBatch? ReaderBatch { get; set; }

    /// <summary>The caller owns the idle writer inside <paramref name="batch"/>: writes the frame without a flush and joins the batch.</summary>
    private ValueTask<bool> WriteDeferred(WriteBatch batch, ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, ReadOnlyMemory<byte> c)
    {
        var ok = !IsAborted && TryWriteFrame(WsOpcode.Text, a.Span, b.Span, c.Span);
        var join = false;
        if (ok)
        {
            lock (_writeGate)
            {
                _deferred = true;
                join = _batch != batch;
                _batch = batch;
            }
        }

        if (join)
        {
            batch.Add(this);
        }

        ReleaseOrPump(); // a pump started here flushes this frame too
        return new ValueTask<bool>(ok);
    }

    /// <summary>
    /// Flushes frames a batch left in the output pipe, unless the writer is owned (its owner flushes them) or
    /// nothing is left. Never waits: a flush the peer holds up completes on the writer's own path.
    /// </summary>
    internal void FlushDeferred()
    {
        lock (_writeGate)
        {
            _batch = null;
            if (!_deferred || _writerActive)
            {
                return;
            }

            _writerActive = true;
        }

        if (!IsAborted && TryFlush(out var flush))
        {
            if (!flush.IsCompleted)
            {
                AwaitFlush(flush); // nothing on the flush list; the owner's path pumps what queues meanwhile
                return;
            }

            _ = FlushSucceeded(flush); // a failed flush fails the connection's next write and its reader
        }

        ReleaseOrPump();
    }
}
