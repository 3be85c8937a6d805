using System.Text;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>Binary → phones (docs/protocol.md#binary-to-phone): classify each envelope and hand it to a phone's outbox.</summary>
internal sealed partial class BinarySession
{
    private async Task<WsReceiveResult> ReadLoopAsync()
    {
        // Phones' frames written inside the batch leave when this reader waits for more input (WriteBatch).
        var batch = Connection.ReaderBatch ??= new WriteBatch();
        try
        {
            while (true)
            {
                var result = await Connection.ReceiveAsync();
                if (!result.IsMessage)
                {
                    return result;
                }

                if (_displaced)
                {
                    // A displaced incumbent's envelopes are not routed: its phones were evicted.
                    _ctx.Metrics.Dropped(Direction.BinaryToPhone, DropReason.UnknownConnId);
                    continue;
                }

                batch.Enter();
                try
                {
                    HandleEnvelope(Connection.Message.Span, Connection.MessageCompletedAt);
                }
                finally
                {
                    WriteBatch.Exit();
                }
            }
        }
        finally
        {
            batch.FlushAll();
        }
    }

    private void HandleEnvelope(ReadOnlySpan<byte> message, long readAt)
    {
        Span<byte> scratch = stackalloc byte[CodecLimits.MaxConnIdBytes];
        var envelope = EnvelopeParser.Parse(message, scratch);
        switch (envelope.Kind)
        {
            case EnvelopeKind.Malformed or EnvelopeKind.MissingConnId or EnvelopeKind.MissingFrame:
                if (ShouldLogWarning())
                {
                    RelayLog.BinaryForwarderUnmarshalErr(_ctx.Logger, ServerId, BinaryConnId, envelope.Error!);
                }

                _ctx.Metrics.Dropped(Direction.BinaryToPhone, DropReason.MalformedEnvelope);
                return;
            case EnvelopeKind.WakeRequest:
                var refusal = _ctx.Push.TryAdmit(ServerId, Source, envelope.PushWake);
                if (refusal is not null && ShouldLogWarning())
                {
                    RelayLog.BinaryForwarderPushWakeDropped(_ctx.Logger, ServerId, BinaryConnId, refusal);
                }

                return;
        }

        PhonePeer? phone = null;
        if (envelope.ConnIdMatchable && ConnIds.TryParseSuffix(envelope.ConnId, _serverIdUtf8, out var key))
        {
            phone = _slot.Find(this, key);
        }

        if (phone is null)
        {
            if (_ctx.Logger.IsEnabled(LogLevel.Warning) && ShouldLogWarning())
            {
                var shown = envelope.ConnIdMatchable ? envelope.ConnId : envelope.ConnIdJson;
                RelayLog.BinaryForwarderUnknownConnId(_ctx.Logger, ServerId, LogText.Cap(shown));
            }

            _ctx.Metrics.Dropped(Direction.BinaryToPhone, DropReason.UnknownConnId);
            return;
        }

        var closeCode = envelope.Kind == EnvelopeKind.CloseDirective ? envelope.CloseCode : 0;
        if (closeCode != 0 && !DirectiveCloseCodes.IsValid(closeCode) && ShouldLogWarning())
        {
            RelayLog.BinaryForwarderInvalidCloseCode(_ctx.Logger, ServerId, phone.ConnId, closeCode);
        }

        var status = phone.Enqueue(envelope.Frame, envelope.HasFrame, closeCode, readAt);
        if (status != EnqueueStatus.Queued)
        {
            if (ShouldLogWarning())
            {
                RelayLog.BinaryForwarderPhoneEnqueueFailed(_ctx.Logger, ServerId, phone.ConnId, status switch
                {
                    EnqueueStatus.PhoneBacklogFull => "relay: phone backlog full",
                    EnqueueStatus.RelayBudgetExhausted => "relay: relay outbox budget exhausted",
                    EnqueueStatus.ServerBacklogFull => "relay: server-id outbox budget exhausted",
                    _ => "relay: phone outbox closed",
                });
            }

            _ctx.Metrics.Dropped(Direction.BinaryToPhone, status == EnqueueStatus.Closed ? DropReason.PhoneClosed : DropReason.OutboxOverflow);
        }
    }
}
