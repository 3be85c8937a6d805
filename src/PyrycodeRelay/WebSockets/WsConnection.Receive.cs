using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace PyrycodeRelay.WebSockets;

/// <summary>The reader: frame parsing, reassembly, control frames.</summary>
internal sealed partial class WsConnection
{
    private byte[]? _messageBuffer;
    private int _messageLength;
    private bool _inMessage;          // a data message has started and not finished
    private bool _inPayload;          // inside a data frame's payload
    private long _frameRemaining;
    private uint _frameMask;
    private int _maskOffset;
    private bool _frameFin;
    private bool _discardMessage;     // the current message is being skipped (after our close)
    private long _messageStartedAt;
    private long _receivedAt;         // when the bytes being parsed arrived (TimeProvider timestamp)
    private int _peerCloseCode;
    private long _carried;            // unconsumed bytes left in the input pipe by the last read
    private bool _failed;             // a protocol violation was seen: input is discarded from then on

    private enum Step
    {
        NeedMore,
        Message,
        Close,
        TooBig,
        ProtocolError,
    }

    /// <summary>
    /// Reads until a complete data message or the end of the connection. Answers Pings, matches Pongs and
    /// answers the peer's close frame on the way. After the relay has sent a close frame, data messages
    /// are discarded until the peer's close frame arrives (or the close-handshake wait aborts).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<WsReceiveResult> ReceiveAsync()
    {
        ReleaseMessage();
        while (true)
        {
            ReadResult read;
            try
            {
                var pending = _input.ReadAsync();
                if (!pending.IsCompleted)
                {
                    ReaderBatch?.FlushAll(); // what this reader forwarded leaves before it waits for the network
                }

                read = await pending;
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException
                                           or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
            {
                return EndOfStream(WsReceiveStatus.PeerGone);
            }

            var buffer = read.Buffer;
            if (buffer.Length > _carried)
            {
                OnBytesReceived();
                _receivedAt = _time.GetTimestamp(); // one clock read per arrival, shared by the messages it carries
            }

            if (_failed)
            {
                // After a protocol violation the stream cannot be parsed any more: discard everything until
                // the peer closes the TCP connection or the close-handshake wait aborts it.
                _input.AdvanceTo(buffer.End);
                _carried = 0;
                if (read.IsCompleted || IsAborted)
                {
                    return EndOfStream(WsReceiveStatus.PeerGone);
                }

                continue;
            }

            var step = Parse(ref buffer);
            _carried = buffer.Length;
            if (step == Step.NeedMore)
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }
            else
            {
                // Unparsed frames may follow: leave them unexamined so the next read returns at once.
                _input.AdvanceTo(buffer.Start);
            }

            if (step != Step.Message)
            {
                ReaderBatch?.FlushAll(); // before this reader writes its own close or returns the end
            }

            switch (step)
            {
                case Step.Message:
                    return new WsReceiveResult(WsReceiveStatus.Message);
                case Step.Close:
                    return await OnPeerCloseAsync();
                case Step.TooBig:
                    await SendCloseAsync(WsCloseCodes.MessageTooBig, "message too big");
                    return new WsReceiveResult(WsReceiveStatus.TooBig);
                case Step.ProtocolError:
                    // Close 1002 and stop parsing. The transport is not aborted here: that would discard the
                    // close frame still in the output pipe. The close-handshake wait drops it instead.
                    _failed = true;
                    ReleaseMessage();
                    await SendCloseAsync(WsCloseCodes.ProtocolError, "");
                    return new WsReceiveResult(WsReceiveStatus.ProtocolError);
            }

            if (read.IsCompleted)
            {
                return EndOfStream(WsReceiveStatus.PeerGone);
            }

            if (read.IsCanceled && IsAborted)
            {
                return EndOfStream(WsReceiveStatus.Aborted);
            }

            // A cancelled read that we did not cause (Kestrel cancels pending reads when it stops) is
            // retried: the closing handshake of a graceful shutdown still has to complete.

            if (_inMessage && !_discardMessage)
            {
                ArmReadDeadline(_messageStartedAt);
            }
        }
    }

    private WsReceiveResult EndOfStream(WsReceiveStatus status) => _abortCause switch
    {
        WsAbortCause.ReadTimeout => new WsReceiveResult(WsReceiveStatus.ReadTimeout),
        WsAbortCause.None => new WsReceiveResult(status),
        _ => new WsReceiveResult(WsReceiveStatus.Aborted),
    };

    private async ValueTask<WsReceiveResult> OnPeerCloseAsync()
    {
        _closeReceived = true;
        if (_closeSent)
        {
            DisarmCloseWait();
            return new WsReceiveResult(WsReceiveStatus.CloseAcknowledged, _peerCloseCode);
        }

        // Echo the peer's code (RFC 6455 §5.5.1); an empty close gets an empty close.
        await SendCloseAsync(_peerCloseCode == WsCloseCodes.NoStatus ? 0 : _peerCloseCode, "");
        return new WsReceiveResult(WsReceiveStatus.PeerClosed, _peerCloseCode);
    }

    private Step Parse(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (_inPayload)
            {
                if (!ConsumePayload(ref buffer))
                {
                    return Step.NeedMore;
                }

                if (!_frameFin)
                {
                    continue;
                }

                _inMessage = false;
                DisarmReadDeadline();
                if (_discardMessage)
                {
                    _discardMessage = false;
                    ReleaseMessage();
                    continue;
                }

                MessageCompletedAt = _receivedAt;
                return Step.Message;
            }

            if (!WsFrameHeader.TryParse(buffer, out var header))
            {
                return Step.NeedMore;
            }

            if (header.Rsv != 0 || !header.Masked || header.PayloadLength < 0)
            {
                return Step.ProtocolError;
            }

            if (header.IsControl)
            {
                if (!header.Fin || header.PayloadLength > 125)
                {
                    return Step.ProtocolError;
                }

                if (buffer.Length < header.Size + header.PayloadLength)
                {
                    return Step.NeedMore;
                }

                var step = OnControlFrame(header, buffer.Slice(header.Size, header.PayloadLength));
                buffer = buffer.Slice(header.Size + header.PayloadLength);
                if (step != Step.NeedMore)
                {
                    return step;
                }

                continue;
            }

            var step2 = OnDataFrameHeader(header);
            if (step2 == Step.ProtocolError)
            {
                return step2;
            }

            buffer = buffer.Slice(header.Size); // also for TooBig: the payload that follows is skipped
            if (step2 != Step.NeedMore)
            {
                return step2;
            }
        }
    }

    private Step OnDataFrameHeader(in WsFrameHeader header)
    {
        switch (header.Opcode)
        {
            case WsOpcode.Text or WsOpcode.Binary:
                if (_inMessage)
                {
                    return Step.ProtocolError;
                }

                _inMessage = true;
                _discardMessage = _closeSent;
                _messageStartedAt = _receivedAt;
                ReleaseMessage();
                break;
            case WsOpcode.Continuation:
                if (!_inMessage)
                {
                    return Step.ProtocolError;
                }

                break;
            default:
                return Step.ProtocolError;
        }

        if (!_discardMessage)
        {
            // Compare without adding: a 63-bit continuation length would overflow the sum (fuzz finding F1).
            if (header.PayloadLength > _options.MaxMessageBytes - _messageLength)
            {
                // Skip the rest of this message; the caller sends 1009 and everything after is discarded.
                _discardMessage = true;
                ReleaseMessage();
                BeginPayload(header);
                return Step.TooBig;
            }

            EnsureCapacity((int)(_messageLength + header.PayloadLength), header.Fin);
        }

        BeginPayload(header);
        return Step.NeedMore;
    }

    private void BeginPayload(in WsFrameHeader header)
    {
        _inPayload = true;
        _frameRemaining = header.PayloadLength;
        _frameMask = header.MaskKey;
        _maskOffset = 0;
        _frameFin = header.Fin;
    }

    private void EnsureCapacity(int total, bool final)
    {
        if (_messageBuffer is not null && _messageBuffer.Length >= total)
        {
            return;
        }

        // A final frame's size is exact; a fragmented message grows geometrically up to the limit.
        var size = final ? Math.Max(total, 16) : Math.Min(Math.Max(total, (_messageBuffer?.Length ?? 2048) * 2), _options.MaxMessageBytes);
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(size, total));
        if (_messageBuffer is not null)
        {
            _messageBuffer.AsSpan(0, _messageLength).CopyTo(next);
            ArrayPool<byte>.Shared.Return(_messageBuffer);
        }

        _messageBuffer = next;
    }

    /// <summary>Copies (unmasking) as much of the current frame payload as is buffered. True when the frame is complete.</summary>
    private bool ConsumePayload(ref ReadOnlySequence<byte> buffer)
    {
        var take = Math.Min(buffer.Length, _frameRemaining);
        if (take > 0)
        {
            if (!_discardMessage)
            {
                foreach (var segment in buffer.Slice(0, take))
                {
                    var dest = _messageBuffer.AsSpan(_messageLength, segment.Length);
                    _maskOffset = WsMasking.Unmask(segment.Span, dest, _frameMask, _maskOffset);
                    _messageLength += segment.Length;
                }
            }

            buffer = buffer.Slice(take);
            _frameRemaining -= take;
        }

        if (_frameRemaining > 0)
        {
            return false;
        }

        _inPayload = false;
        return true;
    }
}
