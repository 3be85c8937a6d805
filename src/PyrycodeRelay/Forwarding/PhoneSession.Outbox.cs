using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>Binary → phone delivery (docs/protocol.md#routing-and-delivery, #close-directives, #phone-outbox): strict FIFO, one writer.</summary>
internal sealed partial class PhoneSession
{
    private const string BacklogFullReason = "phone backlog full";
    private const string WriteFailedReason = "phone write failed";

    /// <summary>
    /// Appends a frame and/or a close directive (<paramref name="closeCode"/> as requested; invalid codes
    /// become 1011 when carried out). Never blocks: the first item starts the drainer, which runs inline
    /// until its first asynchronous wait. On overflow the phone is closed 1011 <c>phone backlog full</c>.
    /// </summary>
    public override EnqueueStatus Enqueue(ReadOnlySpan<byte> frame, bool hasFrame, int closeCode, long readAt)
    {
        var status = _outbox.TryEnqueue(frame, hasFrame, closeCode, readAt, out var startDrain, out var dropped, mayDefer: true);
        if (status == EnqueueStatus.RelayBudgetShort)
        {
            // The relay-wide budget is short: shed a server-id above its fair share rather than this recipient.
            _ctx.Shedder.ShedFor(_tenant, OutboxItem.EstimateCost(hasFrame, frame.Length));
            status = _outbox.TryEnqueue(frame, hasFrame, closeCode, readAt, out startDrain, out dropped);
        }

        if (status == EnqueueStatus.Queued)
        {
            if (closeCode != 0)
            {
                _noNotice = true;
            }

            if (startDrain)
            {
                _ = DrainAsync();
            }

            return status;
        }

        if (status is EnqueueStatus.PhoneBacklogFull or EnqueueStatus.RelayBudgetExhausted or EnqueueStatus.ServerBacklogFull)
        {
            CountDropped(dropped, DropReason.OutboxOverflow);
            if (closeCode != 0)
            {
                _noNotice = true;
            }

            var code = closeCode == 0 ? WsCloseCodes.InternalError : DirectiveCloseCodes.Resolve(closeCode);
            Interlocked.CompareExchange(ref _removal, (int)PhoneRemoval.BacklogFull, (int)PhoneRemoval.None);
            Connection.RequestClose(code, BacklogFullReason);
        }

        return status;
    }

    /// <summary>This phone's current outbox charge.</summary>
    public long OutboxCharged => _outbox.Charged;

    /// <summary>
    /// Shed by <see cref="FairShareShedder"/>: its server-id is above its fair share of a short relay-wide budget. The
    /// queue is dropped at once (releasing its charge) and the phone is closed <c>1011 phone backlog full</c>, as on an
    /// overflow. False when it was already closing.
    /// </summary>
    public bool ShedForFairShare()
    {
        if (Interlocked.CompareExchange(ref _removal, (int)PhoneRemoval.BacklogFull, (int)PhoneRemoval.None) != (int)PhoneRemoval.None)
        {
            return false;
        }

        RelayLog.PhoneShedFairShare(_ctx.Logger, ServerId, ConnId);
        CountDropped(_outbox.Discard(), DropReason.OutboxOverflow);
        Connection.RequestClose(WsCloseCodes.InternalError, BacklogFullReason);
        return true;
    }

    private async Task DrainAsync()
    {
        while (_outbox.TryDequeue(out var item))
        {
            try
            {
                await DeliverAsync(item);
            }
            finally
            {
                _outbox.Complete(item);
            }
        }
    }

    private async Task DeliverAsync(OutboxItem item)
    {
        var closingBefore = Connection.CloseSent || Connection.IsAborted;
        if (item.HasFrame)
        {
            if (!await Connection.SendTextAsync(item.Buffer.AsMemory(0, item.Length)))
            {
                OnFrameWriteFailed(item, closingBefore);
                return;
            }

            _ctx.Metrics.Forwarded(Direction.BinaryToPhone, item.Length, _ctx.Time.GetElapsedTime(item.ReadAt));
        }

        if (!item.IsDirective)
        {
            return;
        }

        var code = DirectiveCloseCodes.Resolve(item.CloseCode);
        Interlocked.CompareExchange(ref _removal, (int)PhoneRemoval.Directive, (int)PhoneRemoval.None);
        closingBefore = Connection.CloseSent || Connection.IsAborted;
        if (await Connection.SendCloseAsync(code, ""))
        {
            RelayLog.BinaryForwarderPhoneClosed(_ctx.Logger, ServerId, ConnId, code);
        }
        else if (!closingBefore)
        {
            RelayLog.BinaryForwarderCloseFrameSendFailed(_ctx.Logger, ServerId, ConnId, code, WriteError());
            Connection.Abort();
        }
    }

    private void OnFrameWriteFailed(in OutboxItem item, bool closingBefore)
    {
        if (closingBefore || (Connection.CloseSent && Connection.AbortCause != WsAbortCause.WriteTimeout))
        {
            // The phone is already closing for another reason: this frame simply is not delivered.
            _ctx.Metrics.Dropped(Direction.BinaryToPhone, DropReason.PhoneClosed);
            return;
        }

        RelayLog.BinaryForwarderPhoneSendFailed(_ctx.Logger, ServerId, ConnId, WriteError());
        _ctx.Metrics.Dropped(Direction.BinaryToPhone, DropReason.PhoneWriteFailed);
        CountDropped(_outbox.Discard(), DropReason.PhoneWriteFailed);
        Interlocked.CompareExchange(ref _removal, (int)PhoneRemoval.WriteFailed, (int)PhoneRemoval.None);
        if (item.IsDirective)
        {
            _noNotice = true;
        }

        var code = item.IsDirective ? DirectiveCloseCodes.Resolve(item.CloseCode) : WsCloseCodes.InternalError;
        _ = CloseAfterWriteFailureAsync(code);
    }

    private async Task CloseAfterWriteFailureAsync(int code)
    {
        await Connection.SendCloseAsync(code, WriteFailedReason);
        Connection.Abort();
    }

    private string WriteError() =>
        Connection.AbortCause == WsAbortCause.WriteTimeout ? "relay: write to phone timed out" : "relay: write to phone failed";
}
