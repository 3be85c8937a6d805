using Microsoft.Extensions.Logging;
using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>Relay-initiated closes (grace expiry docs/protocol.md#grace-reclaim-and-expiry, heartbeat, shutdown), the close notice (docs/protocol.md#close-notice) and the end of a phone connection (docs/protocol.md#end-of-a-phone-connection).</summary>
internal sealed partial class PhoneSession
{
    /// <summary>
    /// A server-id's grace period ended without a reclaim (the registry's grace-expiry handler): the expiry is
    /// counted and logged, then each of its phones is closed 1000 and tears down as usual.
    /// </summary>
    public static void OnGraceExpired(RelayMetrics metrics, ILogger logger, string serverId, IReadOnlyList<PhonePeer> phones)
    {
        metrics.GraceExpired();
        RelayLog.ServerGraceExpired(logger, serverId);
        foreach (var phone in phones)
        {
            phone.CloseByRelay(WsCloseCodes.Normal, "", PhoneRemoval.GraceExpired);
        }
    }

    private async Task TeardownAsync(WsReceiveResult end, CloseCause cause)
    {
        Connection.StopHeartbeat();

        // 1. The close notice, if due.
        var removal = Removal;
        if (!_noNotice && removal is PhoneRemoval.None or PhoneRemoval.HeartbeatTimeout or PhoneRemoval.BacklogFull or PhoneRemoval.WriteFailed
            && !_ctx.ShuttingDown && _binding.State == BindingState.Live)
        {
            var code = end.Status == WsReceiveStatus.PeerClosed && end.PeerCloseCode != WsCloseCodes.NoStatus
                ? end.PeerCloseCode
                : WsCloseCodes.GoingAway;
            if (!await _binding.Holder.SendCloseNoticeAsync(this, CloseNotice(code)))
            {
                RelayLog.PhoneCloseNoticeSendFailed(_ctx.Logger, ServerId, ConnId, code, "relay: write to binary failed");
            }
        }

        // 2. Unregister: the slot frees and envelopes for this conn_id become unknown.
        await _ctx.Registry.UnregisterAsync(this);

        // 3. Close 1000 (1001 once the drain began) unless a close frame was already sent; drop anything still queued.
        CountDropped(_outbox.Discard(), DropReason.PhoneClosed);
        if (!Connection.CloseSent && !Connection.IsAborted)
        {
            var (code, reason) = SessionIo.EndClose(_ctx.ShuttingDown);
            await Connection.SendCloseAsync(code, reason);
        }

        // 4. Log, then finish the closing handshake.
        RelayLog.PhoneUnregistered(_ctx.Logger, ServerId, ConnId);
        await SessionIo.DrainAsync(Connection);
        _ctx.Metrics.Closed(RelayEndpoint.Client, removal switch
        {
            PhoneRemoval.Reclaimed => CloseCause.Reclaimed,
            PhoneRemoval.GraceExpired => CloseCause.GraceExpired,
            PhoneRemoval.Shutdown => CloseCause.Shutdown,
            PhoneRemoval.HeartbeatTimeout => CloseCause.HeartbeatTimeout,
            PhoneRemoval.BacklogFull => CloseCause.BacklogFull,
            PhoneRemoval.Directive => CloseCause.Directive,
            PhoneRemoval.WriteFailed => CloseCause.WriteFailed,
            PhoneRemoval.FirstFrameTimeout => CloseCause.FirstFrameTimeout,
            _ => cause,
        });
    }

    private byte[] CloseNotice(int code)
    {
        var notice = new byte[EnvelopeWriter.GetCloseNoticeLength(_connIdUtf8, code)];
        EnvelopeWriter.WriteCloseNotice(_connIdUtf8, code, notice);
        return notice;
    }

    /// <inheritdoc />
    public void OnHeartbeatTimeout(WsConnection connection) =>
        CloseByRelay(WsCloseCodes.InternalError, "heartbeat timeout", PhoneRemoval.HeartbeatTimeout);

    private void OnShutdown() => CloseByRelay(WsCloseCodes.GoingAway, SessionIo.ShuttingDownReason, PhoneRemoval.Shutdown);

    /// <summary>
    /// A relay-initiated close that bypasses the queue: pending items are dropped and the close frame goes
    /// out after any frame being written. The reader then ends with the peer's close (or the close wait).
    /// </summary>
    public override void CloseByRelay(int code, string reason, PhoneRemoval removal)
    {
        Interlocked.CompareExchange(ref _removal, (int)removal, (int)PhoneRemoval.None);
        CountDropped(_outbox.Discard(), DropReason.PhoneClosed);
        Connection.RequestClose(code, reason);
    }

    private void CountDropped(int count, DropReason reason)
    {
        for (var i = 0; i < count; i++)
        {
            _ctx.Metrics.Dropped(Direction.BinaryToPhone, reason);
        }
    }
}
