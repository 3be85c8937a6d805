using System.Buffers;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// A phone's FIFO outbox with byte budgets (docs/protocol.md#phone-outbox). Thread-safe; appending never blocks. One
/// drainer at a time: <see cref="TryEnqueue"/> reports when the caller must start it, and
/// <see cref="TryDequeue"/> stops it when the queue is empty. An item being written stays charged until
/// <see cref="Complete"/>.
/// </summary>
internal sealed class PhoneOutbox(long phoneBudget, OutboxBudget relayBudget, OutboxBudget? serverBudget = null)
{
    private readonly Lock _lock = new();
    private readonly Queue<OutboxItem> _queue = new();
    private long _charged;
    private bool _closed;     // refuses new items (directive accepted, overflow, phone closing)
    private bool _draining;

    /// <summary>This phone's current charge.</summary>
    public long Charged
    {
        get
        {
            lock (_lock)
            {
                return _charged;
            }
        }
    }

    /// <summary>
    /// Appends a frame (copied into a pooled buffer) and/or a close directive. On overflow every pending
    /// item is dropped (<paramref name="dropped"/> counts them) and the outbox refuses everything after. With
    /// <paramref name="mayDefer"/>, a relay-wide shortfall changes nothing and returns <see cref="EnqueueStatus.RelayBudgetShort"/>
    /// so that the caller can shed another server-id first and try again.
    /// </summary>
    public EnqueueStatus TryEnqueue(ReadOnlySpan<byte> frame, bool hasFrame, int closeCode, long readAt, out bool startDrain, out int dropped, bool mayDefer = false)
    {
        startDrain = false;
        dropped = 0;

        // Charged what it really holds: the pooled array (a power of two at least the frame's length) + the overhead.
        var buffer = hasFrame ? ArrayPool<byte>.Shared.Rent(Math.Max(frame.Length, 1)) : null;
        var cost = OutboxItem.CostOf(buffer);
        EnqueueStatus status;
        lock (_lock)
        {
            if (_closed)
            {
                status = EnqueueStatus.Closed;
            }
            else if (_charged + cost > phoneBudget)
            {
                status = EnqueueStatus.PhoneBacklogFull;
            }
            else if (serverBudget is not null && !serverBudget.TryCharge(cost))
            {
                status = EnqueueStatus.ServerBacklogFull;
            }
            else if (!relayBudget.TryCharge(cost))
            {
                serverBudget?.Release(cost);
                status = mayDefer ? EnqueueStatus.RelayBudgetShort : EnqueueStatus.RelayBudgetExhausted;
            }
            else
            {
                if (buffer is not null)
                {
                    frame.CopyTo(buffer);
                }

                _charged += cost;
                _queue.Enqueue(new OutboxItem(buffer, frame.Length, closeCode, cost, readAt));
                if (closeCode != 0)
                {
                    _closed = true; // anything queued after a directive is refused
                }

                startDrain = !_draining;
                _draining = true;
                return EnqueueStatus.Queued;
            }

            if (status is not (EnqueueStatus.Closed or EnqueueStatus.RelayBudgetShort)) // a deferred shortfall changes nothing
            {
                _closed = true;
                dropped = DropPendingLocked();
            }
        }

        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return status;
    }

    /// <summary>Takes the next item for the drainer; false (and the drainer stops) when empty.</summary>
    public bool TryDequeue(out OutboxItem item)
    {
        lock (_lock)
        {
            if (_queue.TryDequeue(out item))
            {
                return true;
            }

            _draining = false;
            return false;
        }
    }

    /// <summary>Releases an item's charge and buffer once its write has completed (or failed).</summary>
    public void Complete(in OutboxItem item)
    {
        lock (_lock)
        {
            _charged -= item.Cost;
        }

        relayBudget.Release(item.Cost);
        serverBudget?.Release(item.Cost);
        if (item.Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    /// <summary>Refuses every later item and drops the pending ones; returns how many were dropped.</summary>
    public int Discard()
    {
        lock (_lock)
        {
            _closed = true;
            return DropPendingLocked();
        }
    }

    private int DropPendingLocked()
    {
        var n = _queue.Count;
        while (_queue.TryDequeue(out var item))
        {
            _charged -= item.Cost;
            relayBudget.Release(item.Cost);
            serverBudget?.Release(item.Cost);
            if (item.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }
        }

        return n;
    }
}
