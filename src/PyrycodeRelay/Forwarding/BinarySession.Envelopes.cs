using System.Text;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>Binary → phones (protocol.md §7): classify each envelope and hand it to a phone's outbox.</summary>
internal sealed partial class BinarySession
{
    private async Task<WsReceiveResult> ReadLoopAsync()
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
                continue; // a displaced incumbent's envelopes are not routed
            }

            HandleEnvelope(Connection.Message.Span, Connection.MessageCompletedAt);
        }
    }

    private void HandleEnvelope(ReadOnlySpan<byte> message, long readAt)
    {
        Span<byte> scratch = stackalloc byte[256];
        var kind = CodecShim.ParseEnvelope(message, scratch, out var envelope, out var error);
        switch (kind)
        {
            case EnvelopeKind.Malformed or EnvelopeKind.MissingConnId or EnvelopeKind.MissingFrame:
                RelayLog.BinaryForwarderUnmarshalErr(_rt.Logger, ServerId, BinaryConnId, error!);
                _rt.Metrics.Dropped(Direction.BinaryToPhone, DropReason.MalformedEnvelope);
                return;
            case EnvelopeKind.WakeRequest:
                var refusal = _rt.Push.TryAdmit(ServerId, message.Slice(envelope.PushWakeStart, envelope.PushWakeLength));
                if (refusal is not null)
                {
                    RelayLog.BinaryForwarderPushWakeDropped(_rt.Logger, ServerId, BinaryConnId, refusal);
                }

                return;
        }

        PhoneSession? phone = null;
        if (CodecShim.TryParseConnKey(envelope.ConnId, _connIdPrefix, out var key))
        {
            phone = _slot.Find(this, key) as PhoneSession;
        }

        if (phone is null)
        {
            if (_rt.Logger.IsEnabled(LogLevel.Warning))
            {
                RelayLog.BinaryForwarderUnknownConnId(_rt.Logger, ServerId, Encoding.UTF8.GetString(envelope.ConnId));
            }

            _rt.Metrics.Dropped(Direction.BinaryToPhone, DropReason.UnknownConnId);
            return;
        }

        var closeCode = kind == EnvelopeKind.CloseDirective ? envelope.CloseCode : 0;
        if (closeCode != 0 && !WsCloseCodes.IsValid(closeCode))
        {
            RelayLog.BinaryForwarderInvalidCloseCode(_rt.Logger, ServerId, phone.ConnId, closeCode);
        }

        var hasFrame = envelope.FrameLength > 0 && message[envelope.FrameStart] != (byte)'n';
        var frame = hasFrame ? message.Slice(envelope.FrameStart, envelope.FrameLength) : default;
        var status = phone.Enqueue(frame, hasFrame, closeCode, readAt);
        if (status != EnqueueStatus.Queued)
        {
            RelayLog.BinaryForwarderPhoneEnqueueFailed(_rt.Logger, ServerId, phone.ConnId, status switch
            {
                EnqueueStatus.PhoneBacklogFull => "relay: phone backlog full",
                EnqueueStatus.RelayBudgetExhausted => "relay: relay outbox budget exhausted",
                _ => "relay: phone outbox closed",
            });
            _rt.Metrics.Dropped(Direction.BinaryToPhone, DropReason.OutboxOverflow);
        }
    }
}
