using System.Text;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.WebSockets;

/// <summary>
/// A session retires its connection's writer before the connection goes back to Kestrel (which completes the output
/// pipe): a close requested later, e.g. by the graceful drain racing the session's end, writes nothing.
/// </summary>
public sealed class WsConnectionRetireTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task After_retiring_an_idle_writer_no_send_reaches_the_output()
    {
        var h = new PipeHarness();
        Assert.True(await h.Connection.SendTextAsync(Encoding.UTF8.GetBytes("before")));
        Assert.Equal((WsOpcode.Text, "before"), Text(await h.ReadFrameAsync()));

        var retiring = h.Connection.RetireWriterAsync();
        Assert.True(retiring.IsCompletedSuccessfully);
        await h.Output.Writer.CompleteAsync(); // what Kestrel does once the session returned

        h.Connection.RequestClose(WsCloseCodes.GoingAway, "shutting down"); // the drain's callback, late
        Assert.False(await h.Connection.SendCloseAsync(WsCloseCodes.GoingAway, "shutting down"));
        Assert.False(await h.Connection.SendTextAsync(Encoding.UTF8.GetBytes("after")));
        Assert.False(await h.Connection.SendControlAsync(WsOpcode.Ping, "p"u8.ToArray()));
        Assert.False(h.Connection.CloseSent);

        var rest = await h.Output.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.True(rest.IsCompleted);
        Assert.True(rest.Buffer.IsEmpty, $"{rest.Buffer.Length} bytes written after the writer was retired");
    }

    [Fact]
    public async Task Retiring_a_busy_writer_ends_its_stalled_flush_and_fails_what_is_queued()
    {
        var h = new PipeHarness(outputPauseThreshold: 1024); // the peer reads nothing: the first frame's flush waits
        var first = h.Connection.SendTextAsync(Filled('a', 4096)).AsTask();
        await Task.Delay(20);
        Assert.False(first.IsCompleted);
        var queued = h.Connection.SendTextAsync(Filled('b', 100)).AsTask();
        var close = h.Connection.SendCloseAsync(WsCloseCodes.GoingAway, "shutting down").AsTask();

        var retiring = h.Connection.RetireWriterAsync();
        await retiring.WaitAsync(Timeout);
        Assert.Same(retiring, h.Connection.RetireWriterAsync());
        Assert.False(await first.WaitAsync(Timeout)); // its flush was cancelled: not known to be delivered
        Assert.False(await queued.WaitAsync(Timeout));
        Assert.False(await close.WaitAsync(Timeout));
        Assert.False(await h.Connection.SendTextAsync(Filled('c', 10)));

        // The frame that was being written stays whole; nothing follows it.
        await h.Output.Writer.CompleteAsync();
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal((WsOpcode.Text, 4096), (opcode, payload.Length));
        var rest = await h.Output.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.True(rest.IsCompleted);
        Assert.True(rest.Buffer.IsEmpty, $"{rest.Buffer.Length} bytes written behind the frame being written");
    }

    [Fact]
    public async Task Mark_ended_retires_the_writer_too()
    {
        var h = new PipeHarness();
        h.Connection.MarkEnded();
        Assert.False(await h.Connection.SendTextAsync(Encoding.UTF8.GetBytes("late")));
        Assert.False(h.Output.Reader.TryRead(out _));
    }

    private static (WsOpcode, string) Text((WsOpcode Opcode, byte[] Payload) frame) => (frame.Opcode, Encoding.UTF8.GetString(frame.Payload));

    private static byte[] Filled(char c, int length) => Encoding.ASCII.GetBytes(new string(c, length));
}
