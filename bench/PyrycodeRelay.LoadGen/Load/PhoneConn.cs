using System.Diagnostics;
using PyrycodeRelay.LoadGen.Net;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>
/// One simulated phone: sends numbered frames, expects them back once, in order and unmodified, and
/// records each round trip. The send frame (header, mask key, masked template) is built once; a send
/// only writes and masks the two hex fields.
/// </summary>
internal sealed class PhoneConn(WsClient client, byte[] template, Stats stats)
{
    private readonly int _headerSize = Net.WsFraming.HeaderSize(template.Length);
    private readonly byte[] _frame = BuildFrame(template, client.MaskKey);
    private long _nextSend;
    private long _nextExpected;

    public WsClient Client { get; } = client;

    /// <summary>Frames sent and not yet echoed.</summary>
    public long InFlight => Volatile.Read(ref _nextSend) - Volatile.Read(ref _nextExpected);

    /// <summary>Frames sent.</summary>
    public long SentCount => Volatile.Read(ref _nextSend);

    /// <summary>Frames received back.</summary>
    public long ReceivedCount => Volatile.Read(ref _nextExpected);

    private static byte[] BuildFrame(byte[] template, uint maskKey)
    {
        var headerSize = WsFraming.HeaderSize(template.Length);
        var frame = new byte[headerSize + template.Length];
        WsFraming.WriteHeader(frame, 0x1, template.Length, maskKey);
        template.CopyTo(frame, headerSize);
        WsFraming.Mask(frame.AsSpan(headerSize), maskKey, 0);
        return frame;
    }

    private byte[] _batch = [];

    /// <summary>Sends the next <paramref name="count"/> frames with one socket write (closed loop).</summary>
    public ValueTask<bool> SendNextBatchAsync(int count, long timestamp)
    {
        if (count == 1)
        {
            return SendNextAsync(timestamp);
        }

        if (_batch.Length < count * _frame.Length)
        {
            _batch = new byte[count * _frame.Length];
        }

        Span<byte> hex = stackalloc byte[16];
        for (var i = 0; i < count; i++)
        {
            Stamp((ulong)_nextSend, Payload.SeqAt, hex);
            Stamp((ulong)timestamp, Payload.TimeAt, hex);
            _frame.CopyTo(_batch, i * _frame.Length);
            Interlocked.Increment(ref _nextSend);
        }

        Interlocked.Add(ref stats.Sent, count);
        return Client.SendFramedAsync(_batch.AsMemory(0, count * _frame.Length));
    }

    /// <summary>Sends the next frame, stamped with <paramref name="timestamp"/> (the intended send time).</summary>
    public ValueTask<bool> SendNextAsync(long timestamp)
    {
        // Only one sender per phone at a time (the pacer or the receive loop), so _frame is not shared.
        var seq = (ulong)_nextSend;
        Span<byte> hex = stackalloc byte[16];
        Stamp(seq, Payload.SeqAt, hex);
        Stamp((ulong)timestamp, Payload.TimeAt, hex);
        Interlocked.Increment(ref _nextSend);
        Interlocked.Increment(ref stats.Sent);
        return Client.SendFramedAsync(_frame);
    }

    private void Stamp(ulong value, int at, Span<byte> hex)
    {
        Payload.WriteHex(hex, value);
        WsFraming.Mask(hex, Client.MaskKey, at);
        hex.CopyTo(_frame.AsSpan(_headerSize + at));
    }

    /// <summary>
    /// Receive loop. In closed-loop mode (<paramref name="closedLoop"/>) every echo triggers the next send
    /// while <paramref name="sending"/> says so. Ends when the connection ends or <paramref name="stop"/> is set.
    /// </summary>
    public async Task ReceiveLoopAsync(bool closedLoop, Func<bool> sending)
    {
        while (await Client.ReceiveAsync())
        {
            var now = Stopwatch.GetTimestamp();
            var ok = 0;
            do
            {
                if (Check(Client.Message, now))
                {
                    ok++;
                }
            }
            while (Client.TryReceiveBuffered());

            if (closedLoop && ok > 0 && sending())
            {
                // One write for all the frames these echoes released.
                var send = SendNextBatchAsync(ok, Stopwatch.GetTimestamp());
                if (!send.IsCompletedSuccessfully)
                {
                    await send;
                }
            }
        }

        if (!stats.Closing)
        {
            Interlocked.Increment(ref stats.Disconnects);
        }
    }

    private bool Check(ReadOnlySpan<byte> message, long now)
    {
        if (!Payload.MatchesTemplate(message, template)
            || !Payload.TryReadHex(message[Payload.SeqAt..], out var seq)
            || !Payload.TryReadHex(message[Payload.TimeAt..], out var sentAt))
        {
            Interlocked.Increment(ref stats.Corrupt);
            return false;
        }

        if ((long)seq != _nextExpected)
        {
            Interlocked.Increment(ref stats.OutOfOrder);
            return false;
        }

        Interlocked.Increment(ref _nextExpected);
        Interlocked.Increment(ref stats.Received);
        if (stats.Measuring)
        {
            Interlocked.Add(ref stats.Bytes, message.Length);
            stats.Latency.Record((long)Stopwatch.GetElapsedTime((long)sentAt, now).TotalNanoseconds);
        }

        return true;
    }
}
