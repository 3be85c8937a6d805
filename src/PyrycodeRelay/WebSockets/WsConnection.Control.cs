using System.Buffers;
using System.Buffers.Binary;
using System.Text.Unicode;

namespace PyrycodeRelay.WebSockets;

/// <summary>Control frames received from the peer.</summary>
internal sealed partial class WsConnection
{
    private Step OnControlFrame(in WsFrameHeader header, ReadOnlySequence<byte> maskedPayload)
    {
        Span<byte> payload = stackalloc byte[125];
        payload = payload[..(int)header.PayloadLength];
        maskedPayload.CopyTo(payload);
        WsMasking.Unmask(payload, payload, header.MaskKey, 0);

        switch (header.Opcode)
        {
            case WsOpcode.Ping:
                if (_closeSent)
                {
                    return Step.NeedMore; // no frame may follow our close
                }

                QueuePong(payload); // written ahead of queued data; the reader never waits for it
                return Step.NeedMore;

            case WsOpcode.Pong:
                OnPong(payload);
                return Step.NeedMore;

            case WsOpcode.Close:
                if (payload.Length == 1)
                {
                    return Step.ProtocolError;
                }

                if (payload.Length == 0)
                {
                    _peerCloseCode = WsCloseCodes.NoStatus;
                    return Step.Close;
                }

                var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
                if (!WsCloseCodes.IsValid(code) || !Utf8.IsValid(payload[2..]))
                {
                    return Step.ProtocolError;
                }

                _peerCloseCode = code;
                return Step.Close;

            default:
                return Step.ProtocolError;
        }
    }
}
