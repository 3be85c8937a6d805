using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace PyrycodeRelay.WebSockets;

/// <summary>
/// The writer: one owner at a time writes into the output pipe. A sender that finds the writer idle writes its
/// frame and flushes on its own thread (no hand-off); otherwise its frame is queued and the owner writes it. When
/// the owner's flush completes it writes, in this order, the Pong, the queued control frames (Pings, the close
/// frame) and then the queued data frames (up to <see cref="MaxBatchBytes"/>, oldest first), and flushes them
/// once. So a control frame waits at most for the frames already handed to the transport, never for queued
/// data, and many senders' frames share one flush. Queued senders complete when their frames' flush did.
/// </summary>
internal sealed partial class WsConnection : IThreadPoolWorkItem
{
    /// <summary>Data bytes gathered into one flush (at least one frame is always taken).</summary>
    private const int MaxBatchBytes = 32 * 1024;
    private const int MaxFreeOps = 32;

    private readonly Lock _writeGate = new();
    private bool _writerActive;       // someone owns the output pipe (writes or awaits a flush)
    private SendOp? _controlHead;
    private SendOp? _controlTail;
    private SendOp? _dataHead;
    private SendOp? _dataTail;
    private SendOp? _freeOps;
    private int _freeCount;
    private byte[]? _pongPayload;
    private int _pongLength = -1;     // -1: no Pong pending
    private bool _writerRetired;      // RetireWriterAsync was called: nothing more is written
    private TaskCompletionSource? _retiring;

    // Owned by the writer (no lock): the ops whose frames are in the pending flush, and that flush.
    private SendOp? _flushHead;
    private SendOp? _flushTail;
    private ValueTask<FlushResult> _pendingFlush;
    private Action? _onFlushed;
    private bool _closeWritten;

    private static ValueTask<bool> Append(ref SendOp? head, ref SendOp? tail, SendOp op)
    {
        if (tail is null)
        {
            head = op;
        }
        else
        {
            tail.Next = op;
        }

        tail = op;
        return op.Task;
    }

    private SendOp RentOp(WsOpcode opcode, ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, ReadOnlyMemory<byte> c)
    {
        var op = _freeOps;
        if (op is null)
        {
            op = new SendOp(this);
        }
        else
        {
            _freeOps = op.Next;
            op.Next = null;
            _freeCount--;
        }

        op.Opcode = opcode;
        op.A = a;
        op.B = b;
        op.C = c;
        return op;
    }

    private void ReturnOp(SendOp op)
    {
        lock (_writeGate)
        {
            if (_freeCount < MaxFreeOps)
            {
                op.Next = _freeOps;
                _freeOps = op;
                _freeCount++;
            }
        }
    }

    /// <summary>The caller owns the writer and nothing is queued: writes its frame, flushes, hands over what was queued meanwhile.</summary>
    private ValueTask<bool> WriteOwned(WsOpcode opcode, ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, ReadOnlyMemory<byte> c, int closeCode, string? reason)
    {
        if (opcode == WsOpcode.Text && WriteBatch.Current is { } batch)
        {
            return WriteDeferred(batch, a, b, c);
        }

        var written = !IsAborted && (opcode == WsOpcode.Close ? TryWriteClose(closeCode, reason) : TryWriteFrame(opcode, a.Span, b.Span, c.Span));
        ValueTask<FlushResult> flush = default;
        var ok = written && TryFlush(out flush);
        if (ok && !flush.IsCompleted)
        {
            SendOp op;
            lock (_writeGate)
            {
                op = RentOp(opcode, default, default, default);
            }

            op.Written = true;
            var task = op.Task;
            _flushHead = _flushTail = op;
            AwaitFlush(flush);
            return task;
        }

        if (ok)
        {
            ok = FlushSucceeded(flush);
        }

        ReleaseOrPump();
        return new ValueTask<bool>(ok);
    }

    /// <summary>Hands the writer on after an owner that did not wait for a flush: releases it, or has a pool thread write what was queued meanwhile.</summary>
    private void ReleaseOrPump()
    {
        // Anything queued while this thread wrote is written by a pool thread, so that this caller (and the
        // continuations of the senders completed there) never runs on this stack.
        bool queued;
        TaskCompletionSource? retired = null;
        lock (_writeGate)
        {
            queued = HasQueuedLocked();
            if (!queued)
            {
                retired = ReleaseWriterLocked();
            }
        }

        if (queued)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            retired?.TrySetResult();
        }
    }

    /// <inheritdoc />
    void IThreadPoolWorkItem.Execute() => Pump();

    private bool HasQueuedLocked() => _pongLength >= 0 || _controlHead is not null || _dataHead is not null;

    /// <summary>
    /// The owner is done and nothing is queued: frees the writer, or, once retired, keeps it owned for good and
    /// returns the retire waiter (completed by the caller outside the lock).
    /// </summary>
    private TaskCompletionSource? ReleaseWriterLocked()
    {
        if (_writerRetired)
        {
            return _retiring;
        }

        _writerActive = false;
        return null;
    }

    /// <summary>Writes and flushes what is queued until nothing is (the writer is released) or a flush must wait.</summary>
    private void Pump()
    {
        Span<byte> pong = stackalloc byte[125];
        while (true)
        {
            int pongLength;
            SendOp? controls;
            SendOp? data;
            bool retiredNow;
            var retireDone = false;
            lock (_writeGate)
            {
                if (!HasQueuedLocked())
                {
                    var retired = ReleaseWriterLocked();
                    if (retired is null)
                    {
                        return;
                    }

                    controls = null; // completes the retire waiter below, outside the lock
                    data = null;
                    pongLength = -1;
                    retiredNow = true;
                    retireDone = true;
                }
                else
                {
                    retiredNow = _writerRetired;
                    pongLength = _pongLength;
                    if (pongLength >= 0)
                    {
                        _pongPayload.AsSpan(0, pongLength).CopyTo(pong);
                        _pongLength = -1;
                    }

                    controls = _controlHead;
                    _controlHead = _controlTail = null;
                    data = TakeDataLocked();
                }
            }

            if (retireDone)
            {
                _retiring!.TrySetResult();
                return;
            }

            var ok = !IsAborted && !retiredNow; // retired: what is still queued fails, nothing more reaches the pipe
            var any = false;
            if (pongLength >= 0 && ok && !_closeWritten)
            {
                ok = TryWriteFrame(WsOpcode.Pong, pong[..pongLength], default, default);
                any = true;
            }

            WriteOps(controls, ref ok, ref any);
            WriteOps(data, ref ok, ref any);
            if (_closeWritten)
            {
                // Data queued behind the close frame is never sent.
                lock (_writeGate)
                {
                    data = _dataHead;
                    _dataHead = _dataTail = null;
                }

                WriteOps(data, ref ok, ref any);
            }

            ValueTask<FlushResult> flush = default;
            if (ok && any && TryFlush(out flush) && !flush.IsCompleted)
            {
                AwaitFlush(flush);
                return;
            }

            CompleteFlushed(ok && any && FlushSucceeded(flush));
        }
    }

    private SendOp? TakeDataLocked()
    {
        var head = _dataHead;
        if (head is null)
        {
            return null;
        }

        var last = head;
        var bytes = head.Length;
        while (last.Next is { } next && bytes + next.Length <= MaxBatchBytes)
        {
            bytes += next.Length;
            last = next;
        }

        _dataHead = last.Next;
        if (_dataHead is null)
        {
            _dataTail = null;
        }

        last.Next = null;
        return head;
    }

    /// <summary>Writes a list of ops (unless writing already failed or a close frame went out) and moves them to the flush list.</summary>
    private void WriteOps(SendOp? op, ref bool ok, ref bool any)
    {
        while (op is not null)
        {
            var next = op.Next;
            op.Next = null;
            if (ok && !_closeWritten)
            {
                ok = op.Opcode == WsOpcode.Close
                    ? TryWriteClose(op.CloseCode, op.CloseReason)
                    : TryWriteFrame(op.Opcode, op.A.Span, op.B.Span, op.C.Span);
                op.Written = ok;
                any = true;
            }

            if (_flushTail is null)
            {
                _flushHead = op;
            }
            else
            {
                _flushTail.Next = op;
            }

            _flushTail = op;
            op = next;
        }
    }

    private bool TryFlush(out ValueTask<FlushResult> flush)
    {
        _deferred = false; // this flush carries any frame a batch left unflushed (WsConnection.Batch.cs)
        try
        {
            flush = _output.FlushAsync();
            return true;
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            flush = default;
            return false;
        }
    }

    private void AwaitFlush(ValueTask<FlushResult> flush)
    {
        _pendingFlush = flush;
        ArmWriteTimer();
        _onFlushed ??= OnFlushed;
        flush.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onFlushed);
    }

    private void OnFlushed()
    {
        DisarmWriteTimer();
        var flush = _pendingFlush;
        _pendingFlush = default;
        CompleteFlushed(FlushSucceeded(flush));
        Pump();
    }

    private bool FlushSucceeded(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = flush.Result;
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            return false;
        }

        return !result.IsCanceled && !result.IsCompleted && !IsAborted;
    }

    private static bool IsWriteFailure(Exception ex) =>
        ex is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException
            or Microsoft.AspNetCore.Connections.ConnectionAbortedException;

    /// <summary>Completes the ops of the last flush in order (their continuations run here).</summary>
    private void CompleteFlushed(bool flushed)
    {
        var op = _flushHead;
        _flushHead = _flushTail = null;
        while (op is not null)
        {
            var next = op.Next;
            op.Next = null;
            op.Complete(flushed && op.Written);
            op = next;
        }
    }

    /// <summary>A queued frame and its waiter; pooled per connection, so a queued send allocates nothing.</summary>
    private sealed class SendOp(WsConnection owner) : IValueTaskSource<bool>
    {
        private ManualResetValueTaskSourceCore<bool> _core;

        public SendOp? Next { get; set; }

        public WsOpcode Opcode { get; set; }

        public ReadOnlyMemory<byte> A { get; set; }

        public ReadOnlyMemory<byte> B { get; set; }

        public ReadOnlyMemory<byte> C { get; set; }

        public int CloseCode { get; set; }

        public string? CloseReason { get; set; }

        public bool Written { get; set; }

        public int Length => A.Length + B.Length + C.Length;

        public ValueTask<bool> Task => new(this, _core.Version);

        public void Complete(bool ok) => _core.SetResult(ok);

        public bool GetResult(short token)
        {
            var result = _core.GetResult(token);
            A = B = C = default;
            CloseReason = null;
            CloseCode = 0;
            Written = false;
            _core.Reset();
            owner.ReturnOp(this);
            return result;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
