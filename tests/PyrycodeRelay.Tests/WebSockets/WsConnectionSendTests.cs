using PyrycodeRelay.Tests.Configuration;
using System.Text;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.WebSockets;

public sealed class WsConnectionSendTests
{
    [Fact]
    public async Task SendText_ThreePartsSpliced_OneTextFrame()
    {
        var h = new PipeHarness();
        Assert.True(await h.Connection.SendTextAsync(Encoding.UTF8.GetBytes("{\"conn_id\":\"c\",\"frame\":"), Encoding.UTF8.GetBytes("[1]"), Encoding.UTF8.GetBytes("}")));
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Text, opcode);
        Assert.Equal("{\"conn_id\":\"c\",\"frame\":[1]}", Encoding.UTF8.GetString(payload));
    }

    [Theory]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65535, 4)]
    [InlineData(65536, 10)]
    public void ServerHeader_LengthEncodings(int length, int headerSize)
    {
        Span<byte> header = stackalloc byte[14];
        Assert.Equal(headerSize, WsFrameHeader.WriteServerHeader(header, WsOpcode.Text, length));
        Assert.True(WsFrameHeader.TryParse(header[..headerSize], out var parsed));
        Assert.Equal(length, parsed.PayloadLength);
        Assert.True(parsed.Fin);
        Assert.False(parsed.Masked);
        Assert.Equal(WsOpcode.Text, parsed.Opcode);
    }

    [Fact]
    public async Task WriteNotDrainedWithinWriteTimeout_Aborts_ReturnsFalse()
    {
        var h = new PipeHarness(DefaultOptions.WebSocket with { WriteTimeout = TimeSpan.FromSeconds(10) }, outputPauseThreshold: 1024);
        var send = h.Connection.SendTextAsync(new byte[4096]).AsTask();
        await Task.Delay(50);
        Assert.False(send.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, h.AbortCount);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await send.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(WsAbortCause.WriteTimeout, h.Connection.AbortCause);
    }

    [Fact]
    public async Task ConcurrentSenders_FramesNeverInterleave()
    {
        var h = new PipeHarness(outputPauseThreshold: 1 << 24);
        var payloads = Enumerable.Range(0, 50).Select(i => Encoding.UTF8.GetBytes(new string((char)('a' + (i % 26)), 1000 + i))).ToArray();
        await Task.WhenAll(payloads.Select(p => Task.Run(async () => Assert.True(await h.Connection.SendTextAsync(p)))));
        var seen = new HashSet<string>();
        for (var i = 0; i < payloads.Length; i++)
        {
            var (opcode, payload) = await h.ReadFrameAsync();
            Assert.Equal(WsOpcode.Text, opcode);
            var text = Encoding.UTF8.GetString(payload);
            Assert.True(text.All(c => c == text[0]));
            seen.Add(text);
        }

        Assert.Equal(payloads.Select(Encoding.UTF8.GetString).ToHashSet(), seen);
    }

    [Fact]
    public async Task CloseFrame_OnlyOnce_AndNoDataAfterIt()
    {
        var h = new PipeHarness();
        Assert.True(await h.Connection.SendCloseAsync(1001, "shutting down"));
        Assert.False(await h.Connection.SendCloseAsync(1000, ""));
        Assert.False(await h.Connection.SendTextAsync("x"u8.ToArray()));
        var (opcode, payload) = await h.ReadFrameAsync();
        Assert.Equal(WsOpcode.Close, opcode);
        Assert.Equal((1001, "shutting down"), WsFrames.ParseClose(payload));
    }

    [Fact]
    public async Task CloseNotAnswered_AbortedAfterCloseHandshakeTimeout()
    {
        var h = new PipeHarness(DefaultOptions.WebSocket with { CloseHandshakeTimeout = TimeSpan.FromSeconds(5) });
        await h.Connection.SendCloseAsync(4409, "server-id already claimed");
        var receive = h.Connection.ReceiveAsync().AsTask();
        h.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(0, h.AbortCount);
        h.Time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(WsReceiveStatus.Aborted, (await receive.WaitAsync(TimeSpan.FromSeconds(5))).Status);
        Assert.Equal(WsAbortCause.CloseTimeout, h.Connection.AbortCause);
    }
}
