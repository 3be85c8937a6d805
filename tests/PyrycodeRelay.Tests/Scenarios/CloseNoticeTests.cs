using PyrycodeRelay.Tests.Scenarios.Support;
using System.Net.WebSockets;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>Scenarios I (75–76) and docs/protocol.md#close-notice: the close notice to the binary.</summary>
public class CloseNoticeTests : RelayScenario
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Scenario75_PhoneCloses1000_ExactlyOneNotice()
    {
        await using var relay = await StartRelayAsync();
        var (b, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b = b;
        await relay.Logs.WaitForAsync("server_claimed");
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await p.CloseOutputAsync(WebSocketCloseStatus.NormalClosure);
        Assert.Equal((1000, ""), await p.ReceiveCloseAsync());
        var notice = await b.ReadMessageFrameAsync();
        Assert.NotNull(notice);
        Assert.Equal(WsFrames.Text, notice.Opcode);
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1000}}", notice.Text);
        await Assert.ThrowsAsync<TimeoutException>(() => b.ReadMessageFrameAsync(Silence));
        var unregistered = await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == connId);
        Assert.Equal("s1", unregistered["server_id"]);
    }

    [Fact]
    public async Task Scenario76_PhoneDropsTcp_Notice1001()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync(read: true);
        p.Socket.Abort();
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
        await b.AssertSilentAsync(Silence);
        await p.DisposeAsync();
        await Health.WaitForAsync(relay, 1, 0);
    }

    [Theory]
    [InlineData(4000, "bye")]
    [InlineData(1001, "")]
    [InlineData(3999, "x")]
    public async Task PhoneCloseWithCode_NoticeCarriesThatCode(int code, string reason)
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = p;
        var connId = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"];
        await p.SendCloseAsync(code, reason);
        var echo = await p.ReadMessageFrameAsync();
        Assert.NotNull(echo);
        Assert.Equal(WsFrames.Close, echo.Opcode);
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":{code}}}", await b.ReceiveTextAsync());
        await b.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task PhoneCloseWithoutStatusCode_Notice1001()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = p;
        var connId = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"];
        await p.SendCloseAsync(null);
        var echo = await p.ReadMessageFrameAsync();
        Assert.NotNull(echo);
        Assert.Equal(WsFrames.Close, echo.Opcode);
        Assert.Null(echo.CloseCode);
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task Notice_AfterEveryEnvelopeOfThatPhone()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = p;
        var connId = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"];
        await p.SendRawAsync([.. WsFrames.Text1("[1]"), .. WsFrames.Text1("[2]"), .. WsFrames.Text1("[3]"), .. WsFrames.Build(WsFrames.Close, WsFrames.ClosePayload(4100))]);
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":[{i}]}}", await b.ReceiveTextAsync());
        }

        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":4100}}", await b.ReceiveTextAsync());
        var unregistered = await relay.Logs.WaitForAsync("phone_unregistered");
        Assert.Equal(connId, unregistered["conn_id"]);
        await b.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task PhoneOfGracingBinaryLeaves_NoNoticeToReclaimer()
    {
        await using var relay = await StartRelayAsync();
        await using var b1 = await relay.ConnectHolderAsync(read: true);
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync(read: true);
        b1.Socket.Abort();
        await relay.Logs.WaitForAsync("server_released");
        p.Socket.Abort();
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == connId);
        await p.DisposeAsync();
        await using var b2 = await relay.ConnectHolderAsync(read: true);
        await b2.AssertSilentAsync(Silence);
        Assert.Empty(relay.Logs.Named("phone_close_notice_send_failed"));
    }
}
