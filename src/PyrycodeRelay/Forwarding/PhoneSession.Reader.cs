using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>Phone → binary (protocol.md §6): validate, splice into an envelope, write, then read the next.</summary>
internal sealed partial class PhoneSession
{
    private const string NotJsonError = "relay: phone frame is not valid JSON";
    private const string BinaryGracingError = "relay: binary connection is gone";
    private const string BinaryWriteError = "relay: write to binary failed";

    private async Task<(WsReceiveResult End, CloseCause Cause)> ReadLoopAsync()
    {
        while (true)
        {
            var result = await Connection.ReceiveAsync();
            if (!result.IsMessage)
            {
                RelayLog.PhoneForwarderReadEnd(_rt.Logger, ServerId, ConnId, SessionIo.ReadEndError(result));
                return (result, SessionIo.CauseOf(result, Connection));
            }

            var message = Connection.Message;
            if (!PhoneFrameValidator.TryValidate(message.Span, out var start, out var length))
            {
                RelayLog.PhoneForwarderMarshalErr(_rt.Logger, ServerId, ConnId, NotJsonError);
                _rt.Metrics.Dropped(Direction.PhoneToBinary, DropReason.InvalidJson);
                return (result, CloseCause.InvalidFrame);
            }

            switch (ServerRegistry.StateOf(this, _slot))
            {
                case BindingState.NotHolder:
                    RelayLog.PhoneForwarderNoBinary(_rt.Logger, ServerId, ConnId);
                    _rt.Metrics.Dropped(Direction.PhoneToBinary, DropReason.NoBinary);
                    return (result, CloseCause.NoBinary);
                case BindingState.Gracing:
                    RelayLog.PhoneForwarderSendFailed(_rt.Logger, ServerId, ConnId, BinaryGracingError);
                    _rt.Metrics.Dropped(Direction.PhoneToBinary, DropReason.NoBinary);
                    return (result, CloseCause.NoBinary);
            }

            var binary = BoundSession.Connection;
            if (!await binary.SendTextAsync(_envelopePrefix, message.Slice(start, length), EnvelopeSuffix))
            {
                RelayLog.PhoneForwarderSendFailed(_rt.Logger, ServerId, ConnId, BinaryWriteError);
                _rt.Metrics.Dropped(Direction.PhoneToBinary, DropReason.BinaryWriteFailed);
                return (result, CloseCause.NoBinary);
            }

            _rt.Metrics.Forwarded(Direction.PhoneToBinary, _envelopePrefix.Length + length + 1, _rt.Time.GetElapsedTime(Connection.MessageCompletedAt));
        }
    }

    private static readonly ReadOnlyMemory<byte> EnvelopeSuffix = new byte[] { (byte)'}' };
}
