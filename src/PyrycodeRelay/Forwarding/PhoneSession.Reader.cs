using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>Phone → binary (docs/protocol.md#phone-to-binary): validate, splice into an envelope, write, then read the next.</summary>
internal sealed partial class PhoneSession
{
    private const string NotJsonError = "relay: phone frame is not valid JSON";
    private const string BinaryGracingError = "relay: binary connection is gone";
    private const string BinaryWriteError = "relay: write to binary failed";

    private async Task<(WsReceiveResult End, CloseCause Cause)> ReadLoopAsync()
    {
        var batch = Connection.ReaderBatch ??= new WriteBatch();
        try
        {
            while (true)
            {
                var result = await Connection.ReceiveAsync();
                if (!result.IsMessage)
                {
                    RelayLog.PhoneForwarderReadEnd(_ctx.Logger, ServerId, ConnId, SessionIo.ReadEndError(result));
                    return (result, SessionIo.CauseOf(result, Connection));
                }

                if (!OnFrameArrived())
                {
                    continue; // the first frame came after the first-frame timeout closed the phone: not forwarded
                }

                var message = Connection.Message;
                if (!PhoneFrameValidator.TryValidate(message.Span, out var start, out var length))
                {
                    RelayLog.PhoneForwarderMarshalErr(_ctx.Logger, ServerId, ConnId, NotJsonError);
                    _ctx.Metrics.Dropped(Direction.PhoneToBinary, DropReason.InvalidJson);
                    return (result, CloseCause.InvalidFrame);
                }

                switch (_binding.State)
                {
                    case BindingState.NotHolder:
                        RelayLog.PhoneForwarderNoBinary(_ctx.Logger, ServerId, ConnId);
                        _ctx.Metrics.Dropped(Direction.PhoneToBinary, DropReason.NoBinary);
                        return (result, CloseCause.NoBinary);
                    case BindingState.Gracing:
                        RelayLog.PhoneForwarderSendFailed(_ctx.Logger, ServerId, ConnId, BinaryGracingError);
                        _ctx.Metrics.Dropped(Direction.PhoneToBinary, DropReason.NoBinary);
                        return (result, CloseCause.NoBinary);
                }

                // Inside the batch an idle binary's writer takes the frame unflushed; the batch flushes it before this
                // reader waits for more input (WriteBatch), so frames that arrived together leave together.
                batch.Enter();
                ValueTask<bool> sent;
                try
                {
                    sent = _binding.Holder.SendPhoneFrameAsync(this, _envelopePrefix, message.Slice(start, length));
                }
                finally
                {
                    WriteBatch.Exit();
                }

                if (!sent.IsCompleted)
                {
                    batch.FlushAll();
                }

                if (!await sent)
                {
                    RelayLog.PhoneForwarderSendFailed(_ctx.Logger, ServerId, ConnId, BinaryWriteError);
                    _ctx.Metrics.Dropped(Direction.PhoneToBinary, DropReason.BinaryWriteFailed);
                    return (result, CloseCause.NoBinary);
                }

                _ctx.Metrics.Forwarded(Direction.PhoneToBinary, _envelopePrefix.Length + length + 1, _ctx.Time.GetElapsedTime(Connection.MessageCompletedAt));
            }
        }
        finally
        {
            batch.FlushAll(); // whatever this reader forwarded leaves, however the loop ends
        }
    }
}
