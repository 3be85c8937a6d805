using System.Text;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>docs/protocol.md#framing-and-limits "Protocol errors": RFC 6455 violations close with 1002 and end the reader.</summary>
public class ProtocolViolationTests : RelayScenario
{
    public static TheoryData<string> Violations => new()
    {
        "unmasked", "reserved-opcode", "rsv1", "fragmented-ping", "continuation-first", "text-inside-fragmented", "ping-126", "close-1-byte", "close-code-1005",
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task PhoneViolation_Closed1002_NoticeToBinary1001(string violation)
    {
        await using var relay = await StartRelayAsync(o => o with { CloseHandshakeTimeout = TimeSpan.FromSeconds(1) });
        await using var binary = await relay.ConnectHolderAsync(read: true);
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = phone;
        var connId = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"];

        await phone.SendRawAsync(Violation(violation));
        var frames = await phone.ReadUntilEndAsync(TimeSpan.FromSeconds(5));
        var close = frames.SingleOrDefault(f => f.Opcode == WsFrames.Close);
        Assert.True(close is not null, $"no close frame before the connection ended ({phone.EndReason}); frames: [{string.Join(" | ", frames)}]");
        Assert.Equal(1002, close.CloseCode);
        Assert.Equal("", close.CloseReason);
        Assert.DoesNotContain(frames, f => f.Opcode is WsFrames.Text or WsFrames.Binary);

        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == connId);
        await Health.WaitForAsync(relay, 1, 0);
    }

    [Theory]
    [InlineData("unmasked")]
    [InlineData("reserved-opcode")]
    public async Task BinaryViolation_Closed1002_EntersGrace(string violation)
    {
        await using var relay = await StartRelayAsync(o => o with { CloseHandshakeTimeout = TimeSpan.FromSeconds(1) });
        var (binary, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b = binary;
        await relay.Logs.WaitForAsync("server_claimed");
        await binary.SendRawAsync(Violation(violation));
        var frames = await binary.ReadUntilEndAsync(TimeSpan.FromSeconds(5));
        var close = frames.SingleOrDefault(f => f.Opcode == WsFrames.Close);
        Assert.True(close is not null, $"no close frame before the connection ended ({binary.EndReason}); frames: [{string.Join(" | ", frames)}]");
        Assert.Equal(1002, close.CloseCode);
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "s1");
        await Health.WaitForAsync(relay, 0, 0);
    }

    [Fact]
    public async Task PhoneInvalidUtf8Text_ClosedAndNothingForwarded()
    {
        await using var relay = await StartRelayAsync(o => o with { CloseHandshakeTimeout = TimeSpan.FromSeconds(1) });
        await using var binary = await relay.ConnectHolderAsync(read: true);
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = phone;
        var connId = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"];
        await phone.SendFrameAsync(WsFrames.Text, [(byte)'"', 0xC3, 0x28, (byte)'"']);
        var close = await phone.ReadMessageFrameAsync();
        Assert.NotNull(close);
        Assert.Equal(WsFrames.Close, close.Opcode);
        Assert.Contains(close.CloseCode, new int?[] { 1000, 1007 });
        Assert.Equal("", close.CloseReason);
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());
    }

    private static byte[] Violation(string name)
    {
        var json = Encoding.UTF8.GetBytes("{\"a\":1}");
        return name switch
        {
            "unmasked" => WsFrames.Build(WsFrames.Text, json, mask: false),
            "reserved-opcode" => WsFrames.Build(0x3, json),
            "rsv1" => WsFrames.Build(WsFrames.Text, json, rsv: 4),
            "fragmented-ping" => WsFrames.Build(WsFrames.Ping, [1, 2], fin: false),
            "continuation-first" => WsFrames.Build(WsFrames.Continuation, json),
            "text-inside-fragmented" => [.. WsFrames.Build(WsFrames.Text, "{\"a\":"u8, fin: false), .. WsFrames.Build(WsFrames.Text, "1}"u8)],
            "ping-126" => WsFrames.Build(WsFrames.Ping, new byte[126]),
            "close-1-byte" => WsFrames.Build(WsFrames.Close, [3]),
            "close-code-1005" => WsFrames.Build(WsFrames.Close, WsFrames.ClosePayload(1005)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}
