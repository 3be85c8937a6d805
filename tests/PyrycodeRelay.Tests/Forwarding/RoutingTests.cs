using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Forwarding;

/// <summary>Scenarios G, H, I (docs/protocol.md#phone-to-binary, #binary-to-phone, #close-notice): frames both ways and the close notice over real sockets.</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task Scenario64_PhoneFrame_ReachesBinaryWrappedExactly()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = phone;
        Assert.Matches(new Regex("^client-s1-[0-9a-f]{16}$"), connId);

        await phone.SendTextAsync("{\"v\":2,\"t\":\"probe-1\"}");
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"v\":2,\"t\":\"probe-1\"}}}}", await binary.ReceiveTextAsync());
    }

    [Fact]
    public async Task Scenario65_FramesSplicedByteIdentical()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = phone;
        string[] frames = ["{\"a\": [1, null, \"é\"], \"b\": {\"c\": \"<&>\"}}", "[ 1 , 2 ]", "\"text\""];
        foreach (var frame in frames)
        {
            await phone.SendTextAsync(frame);
        }

        foreach (var frame in frames)
        {
            Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{frame}}}", await binary.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Scenario66_InvalidJson_ClosesPhone1000_NoticeToBinary()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = phone;
        await phone.SendTextAsync("{\"type\":\"k\",\"v\":1}");
        await phone.SendTextAsync("not json");
        await phone.SendTextAsync("{\"type\":\"k\",\"v\":2}");

        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"type\":\"k\",\"v\":1}}}}", await binary.ReceiveTextAsync());
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());
        Assert.Equal((1000, ""), await phone.ReceiveCloseAsync());
        await relay.Logs.WaitForAsync("phone_forwarder_marshal_err", e => e["err"] == "relay: phone frame is not valid JSON");
        await relay.WaitForCountsAsync(1, 0);
        await Assert.ThrowsAsync<TimeoutException>(() => binary.ReceiveTextAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Scenario67_BinaryFrames_DeliveredVerbatimToAddressedPhoneOnly()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync();
        var (p2, _) = await relay.ConnectRegisteredPhoneAsync();
        await using var d1 = p1;
        await using var d2 = p2;

        await binary.SendTextAsync($"{{\"conn_id\":\"{c1}\",\"frame\":{{\"type\":\"hello\",\"x\":[1,2,3]}}}}");
        await binary.SendTextAsync($"{{\"conn_id\":\"{c1}\",\"frame\":\"abc\"}}");
        Assert.Equal("{\"type\":\"hello\",\"x\":[1,2,3]}", await p1.ReceiveTextAsync());
        Assert.Equal("\"abc\"", await p1.ReceiveTextAsync());
        await Assert.ThrowsAsync<TimeoutException>(() => p2.ReceiveTextAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Scenario75_PhoneCloses1000_ExactNotice()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = phone;
        await phone.CloseAsync(WebSocketCloseStatus.NormalClosure);
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1000}}", await binary.ReceiveTextAsync());
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == connId);
    }

    [Fact]
    public async Task Scenario76_PhoneDropsTcp_Notice1001()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync();
        phone.Socket.Abort();
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());
        await phone.DisposeAsync();
    }

    [Fact]
    public async Task BinaryOpcodeFromPhone_Accepted_TextOut()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = phone;
        await phone.SendAsync(Encoding.UTF8.GetBytes("[1]"), WebSocketMessageType.Binary);
        var (type, bytes) = await binary.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":[1]}}", Encoding.UTF8.GetString(bytes));
    }
}
