using PyrycodeRelay.Tests.Configuration;
using System.Text;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.WebSockets;

public sealed class WsConnectionReceiveTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task MaskedTextFrame_YieldsUnmaskedMessage()
    {
        var h = new PipeHarness();
        await h.SendAsync(WsFrames.Build(WsOpcode.Text, Utf8("hello")));
        var result = await h.ReceiveAsync();
        Assert.Equal(WsReceiveStatus.Message, result.Status);
        Assert.Equal("hello", Encoding.UTF8.GetString(h.Connection.Message.Span));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(200_000)]
    public async Task PayloadLengths_AllEncodings(int length)
    {
        var h = new PipeHarness();
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        var frame = WsFrames.Build(WsOpcode.Binary, payload);
        // Deliver in uneven pieces to exercise partial headers and payloads.
        for (var at = 0; at < frame.Length; at += 7919)
        {
            await h.SendAsync(frame[at..Math.Min(frame.Length, at + 7919)]);
        }

        var result = await h.ReceiveAsync();
        Assert.Equal(WsReceiveStatus.Message, result.Status);
        Assert.Equal(payload, h.Connection.Message.ToArray());
    }

    [Fact]
    public async Task FragmentedMessage_WithPingBetween_ReassembledAndPongEchoes()
    {
        var h = new PipeHarness();
        await h.SendAsync(
            WsFrames.Build(WsOpcode.Text, Utf8("{\"a\":"), fin: false),
            WsFrames.Build(WsOpcode.Ping, Utf8("ping-payload")),
            WsFrames.Build(WsOpcode.Continuation, Utf8("[1,"), fin: false),
            WsFrames.Build(WsOpcode.Continuation, Utf8("2]}")));
        var result = await h.ReceiveAsync();
        Assert.Equal(WsReceiveStatus.Message, result.Status);
        Assert.Equal("{\"a\":[1,2]}", Encoding.UTF8.GetString(h.Connection.Message.Span));
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Pong, opcode);
        Assert.Equal("ping-payload", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task TwoMessagesInOneRead_BothReturnedWithoutNewData()
    {
        var h = new PipeHarness();
        var both = WsFrames.Build(WsOpcode.Text, Utf8("one")).Concat(WsFrames.Build(WsOpcode.Text, Utf8("two"))).ToArray();
        await h.SendAsync(both);
        Assert.True((await h.ReceiveAsync()).IsMessage);
        Assert.Equal("one", Encoding.UTF8.GetString(h.Connection.Message.Span));
        var second = h.Connection.ReceiveAsync().AsTask();
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(5)) is { IsMessage: true });
        Assert.Equal("two", Encoding.UTF8.GetString(h.Connection.Message.Span));
    }

    [Fact]
    public async Task MessageOfExactlyTheLimit_Accepted_OneMore_TooBigWith1009()
    {
        var h = new PipeHarness(DefaultOptions.WebSocket with { MaxMessageBytes = 1024 });
        await h.SendAsync(WsFrames.Build(WsOpcode.Text, new byte[1024]));
        Assert.True((await h.ReceiveAsync()).IsMessage);
        Assert.Equal(1024, h.Connection.Message.Length);

        // 1025 bytes spread over two fragments: refused as soon as the second header is seen.
        await h.SendAsync(WsFrames.Build(WsOpcode.Text, new byte[1000], fin: false), WsFrames.Build(WsOpcode.Continuation, new byte[25]));
        Assert.Equal(WsReceiveStatus.TooBig, (await h.ReceiveAsync()).Status);
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Close, opcode);
        Assert.Equal((1009, "message too big"), WsFrames.ParseClose(payload));
        Assert.True(h.Connection.CloseSent);
    }

    [Fact]
    public async Task AfterOwnClose_DataDiscarded_UntilPeerCloseAcknowledges()
    {
        var h = new PipeHarness();
        Assert.True(await h.Connection.SendCloseAsync(4404, "no server with that id"));
        var (_, closePayload) = await h.ReadFrameAsync();
        Assert.Equal((4404, "no server with that id"), WsFrames.ParseClose(closePayload));
        await h.SendAsync(WsFrames.Build(WsOpcode.Text, Utf8("ignored")), WsFrames.CloseFrame(4404));
        var result = await h.ReceiveAsync();
        Assert.Equal(WsReceiveStatus.CloseAcknowledged, result.Status);
        Assert.False(await h.Connection.SendTextAsync(Utf8("late")));
    }

    [Fact]
    public async Task PeerClose_WithCode_EchoedAndReported()
    {
        var h = new PipeHarness();
        await h.SendAsync(WsFrames.CloseFrame(4000, "bye"));
        var result = await h.ReceiveAsync();
        Assert.Equal(new WsReceiveResult(WsReceiveStatus.PeerClosed, 4000), result);
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Close, opcode);
        Assert.Equal((4000, ""), WsFrames.ParseClose(payload));
    }

    [Fact]
    public async Task PeerClose_Empty_ReportedAsNoStatus_EchoedEmpty()
    {
        var h = new PipeHarness();
        await h.SendAsync(WsFrames.Build(WsOpcode.Close, []));
        Assert.Equal(new WsReceiveResult(WsReceiveStatus.PeerClosed, WsCloseCodes.NoStatus), await h.ReceiveAsync());
        var (_, payload) = await h.ReadFrameAsync();
        Assert.Empty(payload);
    }

    public static TheoryData<string, byte[]> Violations => new()
    {
        { "unmasked", WsFrames.Build(WsOpcode.Text, "x"u8, mask: false) },
        { "rsv1", WsFrames.Build(WsOpcode.Text, "x"u8, rsv: 4) },
        { "opcode 3", WsFrames.Build((WsOpcode)3, "x"u8) },
        { "opcode 0xB", WsFrames.Build((WsOpcode)0xB, "x"u8) },
        { "continuation first", WsFrames.Build(WsOpcode.Continuation, "x"u8) },
        { "fragmented ping", WsFrames.Build(WsOpcode.Ping, "x"u8, fin: false) },
        { "ping 126 bytes", WsFrames.Build(WsOpcode.Ping, new byte[126]) },
        { "close 1 byte", WsFrames.Build(WsOpcode.Close, [3]) },
        { "close code 1005", WsFrames.CloseFrame(1005) },
        { "close code 999", WsFrames.CloseFrame(999) },
        { "close reason bad utf8", WsFrames.Build(WsOpcode.Close, [0x03, 0xE8, 0xC3]) },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task ProtocolViolation_Close1002_InputDiscarded_DroppedAtCloseWait(string name, byte[] frame)
    {
        var h = new PipeHarness();
        await h.SendAsync(frame);
        Assert.Equal(WsReceiveStatus.ProtocolError, (await h.ReceiveAsync()).Status);
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Close, opcode);
        Assert.Equal((1002, ""), WsFrames.ParseClose(payload));
        Assert.Equal(0, h.AbortCount); // the close frame must reach the wire before the transport goes

        // Whatever follows is not parsed (not even a well-formed message); the close wait ends it.
        await h.SendAsync(WsFrames.Build(WsOpcode.Text, "ignored"u8));
        var drain = h.Connection.ReceiveAsync().AsTask();
        h.Time.Advance(h.Options.CloseHandshakeTimeout);
        Assert.NotEqual(WsReceiveStatus.Message, (await drain.WaitAsync(TimeSpan.FromSeconds(5))).Status);
        Assert.Equal(1, h.AbortCount);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public async Task NewDataFrameDuringFragmentedMessage_ProtocolError()
    {
        var h = new PipeHarness();
        await h.SendAsync(WsFrames.Build(WsOpcode.Text, "a"u8, fin: false), WsFrames.Build(WsOpcode.Text, "b"u8));
        Assert.Equal(WsReceiveStatus.ProtocolError, (await h.ReceiveAsync()).Status);
    }

    [Fact]
    public async Task Eof_PeerGone()
    {
        var h = new PipeHarness();
        await h.Input.Writer.CompleteAsync();
        Assert.Equal(WsReceiveStatus.PeerGone, (await h.ReceiveAsync()).Status);
    }

    [Fact]
    public async Task StartedMessage_NotCompleteWithinReadTimeout_Aborted_ReadTimeout()
    {
        var h = new PipeHarness(DefaultOptions.WebSocket with { MessageReadTimeout = TimeSpan.FromSeconds(2) });
        await h.SendAsync(WsFrames.Build(WsOpcode.Text, "{"u8, fin: false));
        var receive = h.Connection.ReceiveAsync().AsTask();
        await Task.Delay(50);
        Assert.False(receive.IsCompleted);
        h.Time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(0, h.AbortCount);
        // Pings keep arriving and are answered, but do not extend the deadline.
        await h.SendAsync(WsFrames.Build(WsOpcode.Ping, "p"u8));
        h.Time.Advance(TimeSpan.FromMilliseconds(2));
        var result = await receive.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WsReceiveStatus.ReadTimeout, result.Status);
        Assert.Equal(1, h.AbortCount);
    }

    [Fact]
    public async Task IdleBetweenMessages_NotLimitedByReadTimeout()
    {
        var h = new PipeHarness(DefaultOptions.WebSocket with { MessageReadTimeout = TimeSpan.FromSeconds(2) });
        var receive = h.Connection.ReceiveAsync().AsTask();
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, h.AbortCount);
        await h.SendAsync(WsFrames.Build(WsOpcode.Text, "[]"u8));
        Assert.True((await receive.WaitAsync(TimeSpan.FromSeconds(5))).IsMessage);
    }
}
