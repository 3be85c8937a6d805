using System.Diagnostics;
using System.Text;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>Scenarios K (80–82) and docs/protocol.md#framing-and-limits, #heartbeat: message size, read deadline, heartbeat.</summary>
public class LimitsTests : RelayScenario
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(400);

    /// <summary>A JSON string of exactly <paramref name="length"/> bytes.</summary>
    private static string Json(int length) => Envelopes.StringFrame(length);

    [Fact]
    public async Task Scenario80_PhoneMessage_ExactlyLimitDelivered_OneMoreClosed1009_Notice1001()
    {
        await using var relay = await StartRelayAsync(o => o with { MaxMessageBytes = 1024 });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await p.SendTextAsync(Json(1024));
        Assert.Equal(Envelopes.Data(c, Json(1024)), await b.ReceiveTextAsync());
        await p.SendTextAsync(Json(1025));
        Assert.Equal((1009, "message too big"), await p.ReceiveCloseAsync());
        Assert.Equal($"{{\"conn_id\":\"{c}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
        await b.AssertSilentAsync(Silence);
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c);
        await Health.WaitForAsync(relay, 1, 0);
    }

    [Fact]
    public async Task Scenario80_BinaryEnvelope_ExactlyLimitDelivered_OneMoreClosed1009_Grace()
    {
        await using var relay = await StartRelayAsync(o => o with { MaxMessageBytes = 1024 });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        var exact = Envelopes.MaxSized(c, 1024);
        Assert.Equal(1024, Encoding.UTF8.GetByteCount(exact));
        await b.SendTextAsync(exact);
        Assert.Equal(Json(1024 - Envelopes.Overhead(c)), await p.ReceiveTextAsync());
        await b.SendTextAsync(Envelopes.MaxSized(c, 1025));
        Assert.Equal((1009, "message too big"), await b.ReceiveCloseAsync());
        Assert.Equal("s1", (await relay.Logs.WaitForAsync("server_released"))["server_id"]);
        await Health.WaitForAsync(relay, 0, 1);
        await p.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task DefaultLimit_ExactlyMaxMessageBytes_AcceptedBothWays()
    {
        await using var relay = await StartRelayAsync();
        Assert.Equal(262144, relay.Options.MaxMessageBytes);
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await p.SendTextAsync(Json(262144));
        Assert.Equal(Envelopes.Data(c, Json(262144)), await b.ReceiveTextAsync());
        await b.SendTextAsync(Envelopes.MaxSized(c, 262144));
        Assert.Equal(Json(262144 - Envelopes.Overhead(c)), await p.ReceiveTextAsync());
        await p.SendTextAsync(Json(262145));
        Assert.Equal((1009, "message too big"), await p.ReceiveCloseAsync());
    }

    [Fact]
    public async Task FragmentedMessages_Reassembled_LimitAppliesToTheWhole()
    {
        await using var relay = await StartRelayAsync(o => o with { MaxMessageBytes = 1024 });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = p;
        var c = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"]!;
        var exact = Encoding.UTF8.GetBytes(Json(1024));
        await p.SendRawAsync([
            .. WsFrames.Build(WsFrames.Binary, exact.AsSpan(0, 500), fin: false),
            .. WsFrames.Build(WsFrames.Ping, "mid"u8),
            .. WsFrames.Build(WsFrames.Continuation, exact.AsSpan(500, 500), fin: false),
            .. WsFrames.Build(WsFrames.Continuation, exact.AsSpan(1000), fin: true),
        ]);
        Assert.Equal(Envelopes.Data(c, Json(1024)), await b.ReceiveTextAsync());
        var pong = await p.ReadFrameAsync();
        Assert.True(pong is not null, "connection ended instead of a Pong: " + p.EndReason);
        Assert.Equal((WsFrames.Pong, "mid"), (pong.Opcode, pong.Text));

        var over = Encoding.UTF8.GetBytes(Json(1025));
        await p.SendRawAsync([
            .. WsFrames.Build(WsFrames.Text, over.AsSpan(0, 1000), fin: false),
            .. WsFrames.Build(WsFrames.Continuation, over.AsSpan(1000), fin: true),
        ]);
        var close = await p.ReadMessageFrameAsync();
        Assert.True(close is not null, "connection ended without a close frame: " + p.EndReason);
        Assert.Equal((1009, "message too big"), (close.CloseCode, close.CloseReason));
        Assert.Equal($"{{\"conn_id\":\"{c}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task Scenario81_StalledFragment_TornDownWithinReadTimeout_IdlePhoneUnaffected()
    {
        await using var relay = await StartRelayAsync(o => o with
        {
            MessageReadTimeout = TimeSpan.FromSeconds(2),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            HeartbeatTimeout = TimeSpan.FromSeconds(1),
        });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        var idleSince = Stopwatch.StartNew();
        var (p1, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p1 = p1;
        var c1 = (await relay.Logs.WaitForAsync("phone_registered", e => e["conn_id"] != c2))["conn_id"];
        p1.StartReading(answerPings: true);

        var clock = Stopwatch.StartNew(); // before the first fragment: the deadline cannot start earlier
        await p1.SendFrameAsync(WsFrames.Text, Encoding.UTF8.GetBytes("{\"a\":"), fin: false);
        var frames = await p1.ReadUntilEndAsync(TimeSpan.FromSeconds(6));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(5));
        Assert.Contains(frames, f => f.Opcode == WsFrames.Ping);
        Assert.DoesNotContain(frames, f => f.Opcode is WsFrames.Text or WsFrames.Binary);
        Assert.Equal($"{{\"conn_id\":\"{c1}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c1);

        var wait = TimeSpan.FromSeconds(5) - idleSince.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await p2.SendTextAsync("{\"after\":\"idle\",\"pad\":\"" + new string('z', 300) + "\"}");
        Assert.Equal(Envelopes.Data(c2, "{\"after\":\"idle\",\"pad\":\"" + new string('z', 300) + "\"}"), await b.ReceiveTextAsync());
        await Health.WaitForAsync(relay, 1, 1);
    }

    [Fact]
    public async Task SlowButTimelyFragments_Delivered()
    {
        // 3 s deadline; each message takes 1.6 s (1.4 s of margin on a loaded machine), the two together 3.2 s.
        await using var relay = await StartRelayAsync(o => o with { MessageReadTimeout = TimeSpan.FromSeconds(3) });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = p;
        var c = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"]!;
        await p.SendFrameAsync(WsFrames.Text, "[1,"u8.ToArray(), fin: false);
        await Task.Delay(800);
        await p.SendFrameAsync(WsFrames.Continuation, "2,"u8.ToArray(), fin: false);
        await Task.Delay(800);
        await p.SendFrameAsync(WsFrames.Continuation, "3]"u8.ToArray(), fin: true);
        Assert.Equal(Envelopes.Data(c, "[1,2,3]"), await b.ReceiveTextAsync());

        // The deadline is per message: a second slow message gets its own window.
        await p.SendFrameAsync(WsFrames.Text, "[4,"u8.ToArray(), fin: false);
        await Task.Delay(1600);
        await p.SendFrameAsync(WsFrames.Continuation, "5]"u8.ToArray(), fin: true);
        Assert.Equal(Envelopes.Data(c, "[4,5]"), await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task BinaryStalledFragment_AbortedWithinReadTimeout_Grace()
    {
        await using var relay = await StartRelayAsync(o => o with { MessageReadTimeout = TimeSpan.FromSeconds(2) });
        var (b, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b = b;
        await relay.Logs.WaitForAsync("server_claimed");
        var clock = Stopwatch.StartNew(); // before the first fragment: the deadline cannot start earlier
        await b.SendFrameAsync(WsFrames.Text, "{\"conn_id\":"u8.ToArray(), fin: false);
        await b.ReadUntilEndAsync(TimeSpan.FromSeconds(6));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(5));
        await relay.Logs.WaitForAsync("server_released");
        await Health.WaitForAsync(relay, 0, 0);
    }
}
