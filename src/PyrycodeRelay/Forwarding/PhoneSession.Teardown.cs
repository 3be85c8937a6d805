using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>The end of a phone connection (protocol.md §5.5) and the close notice (§8).</summary>
internal sealed partial class PhoneSession
{
    private async Task TeardownAsync(WsReceiveResult end, CloseCause cause)
    {
        Connection.StopHeartbeat();

        // 1. The close notice, if due.
        var removal = Removal;
        if (!_noNotice && removal is PhoneRemoval.None or PhoneRemoval.HeartbeatTimeout or PhoneRemoval.BacklogFull or PhoneRemoval.WriteFailed
            && !_rt.ShuttingDown && ServerRegistry.StateOf(this, _slot) == BindingState.Live)
        {
            var code = end.Status == WsReceiveStatus.PeerClosed && end.PeerCloseCode != WsCloseCodes.NoStatus
                ? end.PeerCloseCode
                : WsCloseCodes.GoingAway;
            if (!await BoundSession.Connection.SendTextAsync(CloseNotice(code)))
            {
                RelayLog.PhoneCloseNoticeSendFailed(_rt.Logger, ServerId, ConnId, code, "relay: write to binary failed");
            }
        }

        // 2. Unregister: the slot frees and envelopes for this conn_id become unknown.
        _rt.Registry.Unregister(this, _slot);

        // 3. Close 1000 unless a close frame was already sent; drop anything still queued.
        CountDropped(_outbox.Discard(), DropReason.PhoneClosed);
        if (!Connection.CloseSent && !Connection.IsAborted)
        {
            await Connection.SendCloseAsync(WsCloseCodes.Normal, "");
        }

        // 4. Log, then finish the closing handshake.
        RelayLog.PhoneUnregistered(_rt.Logger, ServerId, ConnId);
        await SessionIo.DrainAsync(Connection);
        _rt.Metrics.Closed(RelayEndpoint.Client, removal switch
        {
            PhoneRemoval.Reclaimed => CloseCause.Reclaimed,
            PhoneRemoval.GraceExpired => CloseCause.GraceExpired,
            PhoneRemoval.Shutdown => CloseCause.Shutdown,
            PhoneRemoval.HeartbeatTimeout => CloseCause.HeartbeatTimeout,
            PhoneRemoval.BacklogFull => CloseCause.BacklogFull,
            PhoneRemoval.Directive => CloseCause.Directive,
            PhoneRemoval.WriteFailed => CloseCause.WriteFailed,
            _ => cause,
        });
    }

    private byte[] CloseNotice(int code)
    {
        var notice = new byte[EnvelopeWriter.GetCloseNoticeLength(_connIdUtf8, code)];
        EnvelopeWriter.WriteCloseNotice(_connIdUtf8, code, notice);
        return notice;
    }
}
