using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace PyrycodeRelay.WebSockets;

/// <summary>The write side: one frame per message, serialised by the write lock, each write time-limited.</summary>
internal sealed partial class WsConnection
{
    /// <summary>
    /// Sends one text message made of up to three parts written back to back (so an envelope can be
    /// spliced around a payload without building it). Returns false if the message could not be
    /// written: a close frame was already sent, the connection is aborted, or the write failed/timed out.
    /// </summary>
    public ValueTask<bool> SendTextAsync(ReadOnlyMemory<byte> part1, ReadOnlyMemory<byte> part2 = default, ReadOnlyMemory<byte> part3 = default) =>
        SendFrameAsync(WsOpcode.Text, part1, part2, part3);

    /// <summary>Sends a Ping or Pong with <paramref name="payload"/> (at most 125 bytes).</summary>
    public ValueTask<bool> SendControlAsync(WsOpcode opcode, ReadOnlyMemory<byte> payload) =>
        SendFrameAsync(opcode, payload, default, default);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> SendFrameAsync(WsOpcode opcode, ReadOnlyMemory<byte> part1, ReadOnlyMemory<byte> part2, ReadOnlyMemory<byte> part3)
    {
        if (_closeSent || IsAborted)
        {
            return false;
        }

        await _writeLock.WaitAsync();
        try
        {
            // Re-checked under the lock: no frame may follow a close frame.
            return !_closeSent && !IsAborted
                && TryWriteFrame(opcode, part1.Span, part2.Span, part3.Span)
                && await FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Sends a close frame (<paramref name="code"/> 0 = no status code) after any frame being written, unless
    /// one was already sent, and arms the close-handshake wait (the transport is aborted if the peer's
    /// close frame does not arrive in time). Returns whether this call wrote the close frame.
    /// </summary>
    public async ValueTask<bool> SendCloseAsync(int code, string reason)
    {
        if (_closeSent || IsAborted)
        {
            return false;
        }

        await _writeLock.WaitAsync();
        try
        {
            if (_closeSent || IsAborted)
            {
                return false;
            }

            _closeSent = true;
            if (!_closeReceived)
            {
                ArmCloseWait();
            }

            Span<byte> payload = stackalloc byte[125];
            var length = 0;
            if (code != 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
                length = 2 + Encoding.UTF8.GetBytes(reason, payload[2..]);
            }

            return TryWriteFrame(WsOpcode.Close, payload[..length], default, default) && await FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Starts <see cref="SendCloseAsync"/> without waiting (for timers and non-blocking paths).</summary>
    public void RequestClose(int code, string reason) => _ = SendCloseAsync(code, reason).AsTask();

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
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or IOException)
        {
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

    private async ValueTask<bool> FlushAsync()
    {
        FlushResult result;
        try
        {
            var flush = _output.FlushAsync();
            if (flush.IsCompleted)
            {
                result = flush.Result;
            }
            else
            {
                ArmWriteTimer();
                try
                {
                    result = await flush;
                }
                finally
                {
                    DisarmWriteTimer();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException
                                       or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            return false;
        }

        return !result.IsCanceled && !result.IsCompleted && !IsAborted;
    }
}
