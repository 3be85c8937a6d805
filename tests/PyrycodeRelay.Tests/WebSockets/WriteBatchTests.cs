using System.Text;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.WebSockets;

/// <summary>
/// Write coalescing (issue 16): data frames written inside a reader's batch to an idle connection stay in its
/// output pipe until the batch is flushed, which the reader does before it waits for the network; any other flush
/// of that connection carries them too, and the order of frames never changes.
/// </summary>
public sealed class WriteBatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Frames_written_inside_a_batch_reach_the_peer_together_when_the_batch_is_flushed()
    {
        var h = new PipeHarness();
        var batch = new WriteBatch();
        var sends = new List<bool>();
        batch.Enter();
        try
        {
            sends.Add(Written(h.Connection.SendTextAsync(Bytes("one"))));
            sends.Add(Written(h.Connection.SendTextAsync(Bytes("two"))));
            sends.Add(Written(h.Connection.SendTextAsync(Bytes("three"))));
        }
        finally
        {
            WriteBatch.Exit();
        }

        Assert.All(sends, Assert.True); // written: the sender does not wait
        Assert.Equal(1, batch.Count); // the connection joined once
        Assert.False(h.Output.Reader.TryRead(out _), "a frame written inside the batch was flushed before the batch");

        batch.FlushAll();
        Assert.Equal(0, batch.Count);
        Assert.True(h.Output.Reader.TryRead(out var all), "the batch's flush carried nothing");
        var length = all.Buffer.Length;
        h.Output.Reader.AdvanceTo(all.Buffer.Start); // one flush: all three frames are visible at once
        Assert.Equal(3 * 2 + "onetwothree".Length, length);
        Assert.Equal(["one", "two", "three"], [await TextAsync(h), await TextAsync(h), await TextAsync(h)]);
    }

    [Fact]
    public void Outside_a_batch_a_send_is_flushed_at_once()
    {
        var h = new PipeHarness();
        Assert.True(Written(h.Connection.SendTextAsync(Bytes("now"))));
        Assert.True(h.Output.Reader.TryRead(out var read));
        Assert.Equal(2 + 3, read.Buffer.Length);
    }

    [Fact]
    public async Task Another_senders_flush_carries_the_deferred_frames_in_order_and_the_batch_flush_adds_nothing()
    {
        var h = new PipeHarness();
        var batch = new WriteBatch();
        batch.Enter();
        try
        {
            Assert.True(Written(h.Connection.SendTextAsync(Bytes("deferred"))));
        }
        finally
        {
            WriteBatch.Exit();
        }

        Assert.True(await h.Connection.SendTextAsync(Bytes("direct"))); // another thread's send, outside any batch
        Assert.Equal("deferred", await TextAsync(h));
        Assert.Equal("direct", await TextAsync(h));

        batch.FlushAll(); // nothing is left: no frame, no empty flush that completes the reader
        Assert.False(h.Output.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_control_frame_flushes_deferred_data_written_before_it()
    {
        var h = new PipeHarness();
        var batch = new WriteBatch();
        batch.Enter();
        try
        {
            Assert.True(Written(h.Connection.SendTextAsync(Bytes("data"))));
        }
        finally
        {
            WriteBatch.Exit();
        }

        Assert.True(await h.Connection.SendControlAsync(WsOpcode.Ping, Bytes("p")));
        Assert.Equal((WsOpcode.Text, "data"), Frame(await h.ReadFrameAsync()));
        Assert.Equal((WsOpcode.Ping, "p"), Frame(await h.ReadFrameAsync()));
    }

    [Fact]
    public async Task A_reader_flushes_its_batch_before_it_waits_for_more_input_not_between_messages_it_already_holds()
    {
        var source = new PipeHarness();
        var destination = new PipeHarness();
        var batch = new WriteBatch();
        source.Connection.ReaderBatch = batch;
        await source.SendAsync(WsFrames.Text1("a").Concat(WsFrames.Text1("b")).ToArray()); // two messages in one read

        for (var i = 0; i < 2; i++)
        {
            var message = await source.ReceiveAsync();
            Assert.Equal(WsReceiveStatus.Message, message.Status);
            batch.Enter();
            try
            {
                Assert.True(Written(destination.Connection.SendTextAsync(source.Connection.Message.ToArray())));
            }
            finally
            {
                WriteBatch.Exit();
            }

            Assert.False(destination.Output.Reader.TryRead(out _), $"message {i} was flushed while the reader still held input");
        }

        var third = source.Connection.ReceiveAsync().AsTask(); // no input left: the reader waits, after flushing
        Assert.False(third.IsCompleted);
        Assert.Equal(0, batch.Count);
        Assert.Equal("a", await TextAsync(destination));
        Assert.Equal("b", await TextAsync(destination));

        await source.SendAsync(WsFrames.Text1("c"));
        Assert.Equal(WsReceiveStatus.Message, (await third.WaitAsync(Timeout)).Status);
    }

    [Fact]
    public async Task The_batch_is_flushed_before_the_reader_returns_the_peers_close()
    {
        var source = new PipeHarness();
        var destination = new PipeHarness();
        var batch = new WriteBatch();
        source.Connection.ReaderBatch = batch;
        await source.SendAsync(WsFrames.Text1("last").Concat(WsFrames.CloseFrame(1000)).ToArray());

        Assert.Equal(WsReceiveStatus.Message, (await source.ReceiveAsync()).Status);
        batch.Enter();
        try
        {
            Assert.True(Written(destination.Connection.SendTextAsync(source.Connection.Message.ToArray())));
        }
        finally
        {
            WriteBatch.Exit();
        }

        Assert.Equal(WsReceiveStatus.PeerClosed, (await source.ReceiveAsync()).Status);
        Assert.Equal("last", await TextAsync(destination));
    }

    [Fact]
    public async Task A_batch_entered_on_one_thread_is_not_seen_on_another()
    {
        var h = new PipeHarness();
        var batch = new WriteBatch();
        Task<bool>? elsewhere = null;
        batch.Enter();
        try
        {
            // No assertion on that thread: a failure there would not fail this test.
            var thread = new Thread(() => elsewhere = h.Connection.SendTextAsync(Bytes("other thread")).AsTask());
            thread.Start();
            Assert.True(thread.Join(Timeout), "the send on the other thread did not return");
        }
        finally
        {
            WriteBatch.Exit();
        }

        Assert.True(await elsewhere!.WaitAsync(Timeout));
        Assert.Equal(0, batch.Count);
        Assert.Equal("other thread", await TextAsync(h)); // flushed by its own sender
    }

    private static async Task<string> TextAsync(PipeHarness h)
    {
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Text, opcode);
        return Encoding.UTF8.GetString(payload);
    }

    private static (WsOpcode, string) Frame((WsOpcode Opcode, byte[] Payload) frame) => (frame.Opcode, Encoding.UTF8.GetString(frame.Payload));

    /// <summary>The result of a send that must have completed without waiting.</summary>
    private static bool Written(ValueTask<bool> send)
    {
        Assert.True(send.IsCompletedSuccessfully, "the send waited");
        return send.GetAwaiter().GetResult();
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
