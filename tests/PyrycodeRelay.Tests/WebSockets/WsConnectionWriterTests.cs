using System.Text;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.WebSockets;

/// <summary>
/// The writer (issue 13 finding 3, issue 16): control frames go ahead of queued data frames, between frames; queued
/// data frames keep their order and share one flush.
/// </summary>
public sealed class WsConnectionWriterTests
{
    [Fact]
    public async Task Ping_and_pong_overtake_queued_data_but_not_the_frame_being_written()
    {
        var h = new PipeHarness(outputPauseThreshold: 1024);
        var first = h.Connection.SendTextAsync(Filled('a', 4096)).AsTask(); // over the pause threshold: its flush waits
        await Task.Delay(20);
        Assert.False(first.IsCompleted);
        var second = h.Connection.SendTextAsync(Filled('b', 100)).AsTask();
        var third = h.Connection.SendTextAsync(Filled('c', 100)).AsTask();
        var ping = h.Connection.SendControlAsync(WsOpcode.Ping, "probe"u8.ToArray()).AsTask();
        await h.SendAsync(WsFrames.Build(WsFrames.Ping, "peer"u8));
        var receive = h.Connection.ReceiveAsync().AsTask(); // answers the peer's Ping without waiting for the writer

        var frames = new List<(WsOpcode Opcode, string Text)>();
        for (var i = 0; i < 5; i++)
        {
            var (opcode, payload) = await h.ReadFrameAsync();
            frames.Add((opcode, Encoding.UTF8.GetString(payload)));
        }

        Assert.Equal(WsOpcode.Text, frames[0].Opcode);
        Assert.Equal(4096, frames[0].Text.Length); // never interrupted
        // The Pong and the Ping were queued after b and c and are written before them (Pong first).
        Assert.Equal([(WsOpcode.Pong, "peer"), (WsOpcode.Ping, "probe")], frames.GetRange(1, 2));
        Assert.Equal([(WsOpcode.Text, new string('b', 100)), (WsOpcode.Text, new string('c', 100))], frames.GetRange(3, 2));
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await third.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await ping.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(receive.IsCompleted);
    }

    [Fact]
    public async Task Close_overtakes_queued_data_which_is_then_not_sent()
    {
        var h = new PipeHarness(outputPauseThreshold: 1024);
        var first = h.Connection.SendTextAsync(Filled('a', 4096)).AsTask();
        await Task.Delay(20);
        var queued = h.Connection.SendTextAsync(Filled('b', 100)).AsTask();
        var close = h.Connection.SendCloseAsync(1001, "shutting down").AsTask();
        Assert.False(await h.Connection.SendTextAsync(Filled('c', 10))); // after the close was requested: refused at once

        var (op1, p1) = await h.ReadFrameAsync();
        var (op2, p2) = await h.ReadFrameAsync();
        Assert.Equal((WsOpcode.Text, 4096), (op1, p1.Length));
        Assert.Equal(WsOpcode.Close, op2);
        Assert.Equal((1001, "shutting down"), WsFrames.ParseClose(p2));
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await close.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(await queued.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(h.Connection.CloseSent);
    }

    [Fact]
    public async Task Queued_frames_from_many_senders_are_written_in_order_in_one_flush()
    {
        var h = new PipeHarness(outputPauseThreshold: 1024);
        var first = h.Connection.SendTextAsync(Filled('a', 4096)).AsTask();
        await Task.Delay(20);
        var queued = Enumerable.Range(0, 20).Select(i => h.Connection.SendTextAsync(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")).AsTask()).ToArray();
        Assert.All(queued, t => Assert.False(t.IsCompleted));
        await h.ReadFrameAsync();
        for (var i = 0; i < 20; i++)
        {
            var (opcode, payload) = await h.ReadFrameAsync();
            Assert.Equal((WsOpcode.Text, $"{{\"n\":{i}}}"), (opcode, Encoding.UTF8.GetString(payload)));
        }

        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.All(await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(5)), Assert.True);
    }

    [Fact]
    public async Task TrySendTextNow_writes_from_the_span_when_idle_and_declines_when_busy()
    {
        var h = new PipeHarness(outputPauseThreshold: 1024);
        var span = Filled('d', 10);
        var now = h.Connection.TrySendTextNow(span, out var attempted);
        span.AsSpan().Fill((byte)'x'); // the caller's buffer is free as soon as the call returns
        Assert.True(attempted);
        Assert.True(await now);
        Assert.Equal((WsOpcode.Text, "dddddddddd"), await ReadTextAsync(h));

        var first = h.Connection.SendTextAsync(Filled('a', 4096)).AsTask(); // its flush waits: the writer is busy
        await Task.Delay(20);
        var declined = h.Connection.TrySendTextNow(Filled('e', 10), out attempted);
        Assert.False(attempted); // nothing written: the caller queues a copy instead
        Assert.True(declined.IsCompletedSuccessfully);
        Assert.False(await declined);
        Assert.Equal(WsOpcode.Text, (await h.ReadFrameAsync()).Opcode);
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await h.Connection.SendTextAsync(Filled('f', 3)));
        Assert.Equal((WsOpcode.Text, "fff"), await ReadTextAsync(h)); // no 'e' frame in between
    }

    private static async Task<(WsOpcode, string)> ReadTextAsync(PipeHarness h)
    {
        var (opcode, payload) = await h.ReadFrameAsync();
        return (opcode, Encoding.UTF8.GetString(payload));
    }

    private static byte[] Filled(char c, int length) => Encoding.ASCII.GetBytes(new string(c, length));
}
