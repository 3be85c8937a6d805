namespace PyrycodeRelay.WebSockets;

/// <summary>
/// Write coalescing for one reader (issue 16, bench/performance-notes.md): while a reader forwards the messages it
/// already holds, the data frames it writes to idle connections are written into their output pipes but not yet
/// flushed; the reader flushes them all (<see cref="FlushAll"/>) before it waits for the network again, so the
/// frames of one receive leave in one send per destination, as nginx writes what one read brought in.
/// <para>
/// A batch is entered only around the synchronous part of a forwarding call (<see cref="Enter"/> ... <see
/// cref="Exit"/> on the same thread, no await in between): a sender that runs later, on another thread, never sees
/// it and flushes as usual. Owned by one reader; not thread-safe.
/// </para>
/// </summary>
internal sealed class WriteBatch
{
    [ThreadStatic]
    private static WriteBatch? t_current;

    private WsConnection[] _pending = new WsConnection[4];
    private int _count;

    /// <summary>The batch entered on this thread, if any.</summary>
    internal static WriteBatch? Current => t_current;

    /// <summary>Connections written but not yet flushed.</summary>
    public int Count => _count;

    /// <summary>Makes this batch the current one on this thread (until <see cref="Exit"/>).</summary>
    public void Enter() => t_current = this;

    /// <summary>Leaves the batch (the frames stay pending until <see cref="FlushAll"/>).</summary>
    public static void Exit() => t_current = null;

    /// <summary>Records a connection holding unflushed frames (once per connection; see <see cref="WsConnection.TryJoinBatch"/>).</summary>
    internal void Add(WsConnection connection)
    {
        if (_count == _pending.Length)
        {
            Array.Resize(ref _pending, _count * 2);
        }

        _pending[_count++] = connection;
    }

    /// <summary>Flushes every connection written in this batch (each flush is started, never awaited here).</summary>
    public void FlushAll()
    {
        var count = _count;
        _count = 0;
        for (var i = 0; i < count; i++)
        {
            var connection = _pending[i];
            _pending[i] = null!;
            connection.FlushDeferred();
        }
    }
}
