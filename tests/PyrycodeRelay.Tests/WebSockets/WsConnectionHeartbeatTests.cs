using PyrycodeRelay.Tests.Configuration;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.WebSockets;

public sealed class WsConnectionHeartbeatTests
{
    private static readonly WsConnectionOptions Beat = DefaultOptions.WebSocket with { HeartbeatInterval = TimeSpan.FromSeconds(30), HeartbeatTimeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task PingEveryInterval_PongInTime_NoTimeout()
    {
        var h = new PipeHarness(Beat);
        var timeouts = 0;
        h.Connection.StartHeartbeat(new CallbackOwner(_ => timeouts++));
        h.Time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.False(h.Output.Reader.TryRead(out var early) && !early.Buffer.IsEmpty);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        for (var round = 0; round < 3; round++)
        {
            var (opcode, payload) = await h.ReadFrameAsync();
            Assert.Equal(WsOpcode.Ping, opcode);
            Assert.Equal(8, payload.Length);
            h.Time.Advance(TimeSpan.FromSeconds(29));
            // A data message after the Pong proves the reader has processed the Pong.
            await h.SendAsync(WsFrames.Build(WsOpcode.Pong, payload), WsFrames.Build(WsOpcode.Text, "[]"u8));
            Assert.True((await h.ReceiveAsync()).IsMessage);
            h.Time.Advance(TimeSpan.FromSeconds(1)); // 30 s after the ping: the next ping, not a timeout
        }

        Assert.Equal(0, timeouts);
    }

    [Fact]
    public async Task NoPong_TimeoutCallbackAfterIntervalPlusTimeout()
    {
        var h = new PipeHarness(Beat);
        var timedOut = new TaskCompletionSource();
        h.Connection.StartHeartbeat(new CallbackOwner(_ => timedOut.TrySetResult()));
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var (opcode, _) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Ping, opcode);
        h.Time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.False(timedOut.Task.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        await timedOut.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task NoPong_OwnerToldOnceWithItsConnection()
    {
        var h = new PipeHarness(Beat);
        var owner = new RecordingOwner();
        h.Connection.StartHeartbeat(owner);
        h.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(WsOpcode.Ping, (await h.ReadFrameAsync()).Item1);
        h.Time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.False(owner.TimedOut.Task.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Same(h.Connection, await owner.TimedOut.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        h.Time.Advance(TimeSpan.FromSeconds(120)); // the heartbeat stopped: no second call
        Assert.Equal(1, owner.Calls);
    }

    private sealed class RecordingOwner : IHeartbeatOwner
    {
        public TaskCompletionSource<WsConnection> TimedOut { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls { get; private set; }

        public void OnHeartbeatTimeout(WsConnection connection)
        {
            Calls++;
            TimedOut.TrySetResult(connection);
        }
    }

    [Fact]
    public async Task UnsolicitedOrWrongPong_DoesNotCount()
    {
        var h = new PipeHarness(Beat);
        var timedOut = new TaskCompletionSource();
        h.Connection.StartHeartbeat(new CallbackOwner(_ => timedOut.TrySetResult()));
        var reader = h.Connection.ReceiveAsync().AsTask();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var (_, payload) = await h.ReadFrameAsync();
        var wrong = (byte[])payload.Clone();
        wrong[7] ^= 0xFF;
        await h.SendAsync(WsFrames.Build(WsOpcode.Pong, wrong), WsFrames.Build(WsOpcode.Pong, "hello"u8));
        await Task.Delay(50);
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await timedOut.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(reader.IsCompleted);
    }

    [Fact]
    public async Task Probe_PongEchoed_True()
    {
        var h = new PipeHarness();
        var reader = h.Connection.ReceiveAsync().AsTask();
        var probe = h.Connection.ProbeAsync(TimeSpan.FromSeconds(10));
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Ping, opcode);
        await h.SendAsync(WsFrames.Build(WsOpcode.Pong, payload));
        Assert.True(await probe.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(reader.IsCompleted);
    }

    [Fact]
    public async Task Probe_NoPong_FalseAtTimeout()
    {
        var h = new PipeHarness();
        var probe = h.Connection.ProbeAsync(TimeSpan.FromSeconds(10));
        await h.ReadFrameAsync();
        h.Time.Advance(TimeSpan.FromSeconds(9.9));
        await Task.Delay(20);
        Assert.False(probe.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(await probe.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Probe_ConnectionEnds_False()
    {
        var h = new PipeHarness();
        var probe = h.Connection.ProbeAsync(TimeSpan.FromSeconds(10));
        h.Connection.MarkEnded();
        Assert.False(await probe.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private sealed class CallbackOwner(Action<WsConnection> onTimeout) : IHeartbeatOwner
    {
        public void OnHeartbeatTimeout(WsConnection connection) => onTimeout(connection);
    }
}
