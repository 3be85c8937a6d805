using System.Buffers.Binary;
using System.Text;

namespace PyrycodeRelay.WebSockets;

/// <summary>
/// The write side's API: data frames queue in FIFO order, control frames (Pings, Pongs, the close frame) are
/// written ahead of queued data, between frames, never inside one (WsConnection.Writer.cs).
/// </summary>
internal sealed partial class WsConnection
{
    /// <summary>
    /// Sends one text message made of up to three parts written back to back (so an envelope can be
    /// spliced around a payload without building it). Returns false if the message could not be
    /// written: a close frame was already sent or queued, the connection is aborted, or the write failed/timed out.
    /// The parts must stay valid until the returned task completes.
    /// </summary>
    public ValueTask<bool> SendTextAsync(ReadOnlyMemory<byte> part1, ReadOnlyMemory<byte> part2 = default, ReadOnlyMemory<byte> part3 = default)
    {
        lock (_writeGate)
        {
            if (_closeSent || IsAborted || _writerRetired)
            {
                return new ValueTask<bool>(false);
            }

            if (_writerActive)
            {
                return Append(ref _dataHead, ref _dataTail, RentOp(WsOpcode.Text, part1, part2, part3));
            }

            _writerActive = true;
        }

        return WriteOwned(WsOpcode.Text, part1, part2, part3, 0, null);
    }

    /// <summary>Sends a Ping or Pong with <paramref name="payload"/> (at most 125 bytes), ahead of queued data frames.</summary>
    public ValueTask<bool> SendControlAsync(WsOpcode opcode, ReadOnlyMemory<byte> payload)
    {
        lock (_writeGate)
        {
            if (_closeSent || IsAborted || _writerRetired)
            {
                return new ValueTask<bool>(false);
            }

            if (_writerActive)
            {
                return Append(ref _controlHead, ref _controlTail, RentOp(opcode, payload, default, default));
            }

            _writerActive = true;
        }

        return WriteOwned(opcode, payload, default, default, 0, null);
    }

    /// <summary>
    /// Sends a close frame (<paramref name="code"/> 0 = no status code) ahead of queued data frames (after the
    /// frame being written, if any), unless one was already sent, and arms the close-handshake wait (the transport
    /// is aborted if the peer's close frame does not arrive in time). Data frames still queued are not sent.
    /// Returns whether this call wrote the close frame.
    /// </summary>
    public ValueTask<bool> SendCloseAsync(int code, string reason)
    {
        lock (_writeGate)
        {
            if (_closeSent || IsAborted || _writerRetired)
            {
                return new ValueTask<bool>(false);
            }

            _closeSent = true;
            if (_writerActive)
            {
                var op = RentOp(WsOpcode.Close, default, default, default);
                op.CloseCode = code;
                op.CloseReason = reason;
                return Append(ref _controlHead, ref _controlTail, op);
            }

            _writerActive = true;
        }

        return WriteOwned(WsOpcode.Close, default, default, default, code, reason);
    }

    /// <summary>
    /// Retires the writer before the connection goes back to Kestrel, which completes the output pipe: from now on
    /// every send returns false without touching the pipe (e.g. the drain's close frame racing the session's end).
    /// Completes at once when the writer is idle; otherwise cancels the pending flush and completes when the
    /// current owner has finished (frames still queued fail). Called by the session after its last I/O.
    /// </summary>
    public Task RetireWriterAsync()
    {
        lock (_writeGate)
        {
            if (_writerRetired)
            {
                return _retiring?.Task ?? Task.CompletedTask;
            }

            _writerRetired = true;
            if (!_writerActive)
            {
                _writerActive = true; // owned for good: nobody writes again
                return Task.CompletedTask;
            }

            _retiring = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            _output.CancelPendingFlush(); // a flush waiting on a peer that does not read ends now, as the pipe's completion would end it
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            // The output is already gone: the owner's flush fails on its own.
        }

        return _retiring.Task;
    }

    /// <summary>Starts <see cref="SendCloseAsync"/> without waiting (for timers and non-blocking paths).</summary>
    public void RequestClose(int code, string reason)
    {
        var pending = SendCloseAsync(code, reason);
        if (pending.IsCompleted)
        {
            _ = pending.Result;
        }
        else
        {
            _ = pending.AsTask();
        }
    }

    /// <summary>Queues the Pong answering the peer's last Ping (only the latest is answered, RFC 6455 §5.5.3); never waits.</summary>
    private void QueuePong(ReadOnlySpan<byte> payload)
    {
        lock (_writeGate)
        {
            if (_closeSent || IsAborted || _writerRetired)
            {
                return;
            }

            _pongPayload ??= new byte[125];
            payload.CopyTo(_pongPayload);
            _pongLength = payload.Length;
            if (_writerActive)
            {
                return;
            }

            _writerActive = true;
        }

        Pump();
    }

    private bool TryWriteClose(int code, string? reason)
    {
        Span<byte> payload = stackalloc byte[125];
        var length = 0;
        if (code != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
            length = 2 + Encoding.UTF8.GetBytes(reason ?? "", payload[2..]);
        }

        _closeWritten = true;
        if (!_closeReceived)
        {
            ArmCloseWait();
        }

        return TryWriteFrame(WsOpcode.Close, payload[..length], default, default);
    }

    private bool TryWriteFrame(WsOpcode opcode, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var length = a.Length + b.Length + c.Length;
        try
        {
            var span = _output.GetSpan(WsFrameHeader.MaxSize);
            var headerSize = WsFrameHeader.WriteServerHeader(span, opcode, length);
            _output.Advance(headerSize);
            Write(a);
            Write(b);
            Write(c);
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or IOException or ArgumentOutOfRangeException)
        {
            // ArgumentOutOfRangeException: the transport completed its output pipe under us; Advance then finds no
            // buffer. Sessions retire the writer before they hand the connection back (RetireWriterAsync), so this is
            // a safety net for a path that does not; a failed write, like the others.
            return false;
        }
    }

    private void Write(ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            var span = _output.GetSpan();
            var n = Math.Min(span.Length, source.Length);
            source[..n].CopyTo(span);
            _output.Advance(n);
            source = source[n..];
        }
    }
}
