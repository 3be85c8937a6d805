using PyrycodeRelay.Tests.Scenarios.Support;
using System.Diagnostics;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>Scenario K 82 and docs/protocol.md#framing-and-limits, #heartbeat: heartbeat, Ping answers, the close-handshake wait.</summary>
public class HeartbeatTests : RelayScenario
{
    [Fact]
    public async Task Scenario82_Heartbeat_ReadingPeersStay_SilentPeersClosed1011()
    {
        await using var relay = await StartRelayAsync(o => o with
        {
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            HeartbeatTimeout = TimeSpan.FromSeconds(1),
            CloseHandshakeTimeout = TimeSpan.FromSeconds(1),
        });
        var (b, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b = b;
        await relay.Logs.WaitForAsync("server_claimed");
        b.StartReading(answerPings: true);
        var (okPhone, okId) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _ok = okPhone;

        var clock = Stopwatch.StartNew();
        var (s2, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders("s2"));
        await using var _s2 = s2;
        var (silentPhone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _sp = silentPhone;
        var silentId = (await relay.Logs.WaitForAsync("phone_registered", e => e["conn_id"] != okId))["conn_id"];

        // R answers B's ping (scenario 82: within 1 s; the wait allows 3 s for a loaded test machine).
        await b.SendFrameAsync(WsFrames.Ping, "b-ping"u8.ToArray());
        await WaitForPongAsync(b, "b-ping", TimeSpan.FromSeconds(3));

        // Ping at 1 s, timeout at 2 s, close-handshake wait 1 s: gone by 3 s; the bound leaves room for a loaded machine.
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "s2", TimeSpan.FromSeconds(8));
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == silentId, TimeSpan.FromSeconds(8));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"silent peers detected after {clock.Elapsed}");
        foreach (var silent in new[] { s2, silentPhone })
        {
            var frames = await silent.ReadUntilEndAsync(TimeSpan.FromSeconds(3));
            Assert.Contains(frames, f => f.Opcode == WsFrames.Ping);
            var close = frames.SingleOrDefault(f => f.Opcode == WsFrames.Close);
            if (close is not null)
            {
                Assert.Equal((1011, "heartbeat timeout"), (close.CloseCode, close.CloseReason));
            }
        }

        var notice = await NextTextAsync(b, TimeSpan.FromSeconds(2));
        Assert.Equal($"{{\"conn_id\":\"{silentId}\",\"close_code\":1001}}", notice);

        var remaining = TimeSpan.FromSeconds(10) - clock.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        Assert.Null(b.EndReason);
        Assert.DoesNotContain(relay.Logs.Named("server_released"), e => e["server_id"] == "s1");
        Assert.DoesNotContain(relay.Logs.Named("phone_unregistered"), e => e["conn_id"] == okId);
        await Health.WaitForAsync(relay, 1, 1);
        await b.SendFrameAsync(WsFrames.Ping, "again"u8.ToArray());
        await WaitForPongAsync(b, "again", TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Heartbeat_FirstPingAfterOneInterval_DataDoesNotReplacePong()
    {
        await using var relay = await StartRelayAsync(o => o with
        {
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            HeartbeatTimeout = TimeSpan.FromSeconds(1),
            CloseHandshakeTimeout = TimeSpan.FromSeconds(1),
        });
        await using var b = await relay.ConnectHolderAsync(read: true);

        // The clock starts before the upgrade, so the phone's heartbeat cannot start earlier: 1 s is a hard lower
        // bound for the first Ping and 2 s for the timeout close; the upper bounds leave room for a loaded machine.
        var clock = Stopwatch.StartNew();
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = p;
        var c = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"]!;
        p.StartReading(answerPings: false);
        var ping = await p.ReadFrameAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WsFrames.Ping, ping!.Opcode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(4)); // timers may fire a tick early
        Assert.InRange(ping.Payload.Length, 0, 125);

        // Keep sending data but never answer the Ping: the phone is still closed 1011 heartbeat timeout,
        // and no second Ping is sent while the first is outstanding.
        RawFrame? close = null;
        var morePings = 0;
        for (var i = 0; i < 60 && close is null; i++)
        {
            await p.SendTextAsync($"[{i}]");
            try
            {
                var f = await p.ReadFrameAsync(TimeSpan.FromMilliseconds(150));
                close = f?.Opcode == WsFrames.Close ? f : null;
                morePings += f?.Opcode == WsFrames.Ping ? 1 : 0;
            }
            catch (TimeoutException)
            {
            }
        }

        Assert.Equal(0, morePings);

        Assert.NotNull(close);
        Assert.Equal((1011, "heartbeat timeout"), (close.CloseCode, close.CloseReason));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.95), TimeSpan.FromSeconds(6));
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c);
        string last;
        do
        {
            last = await b.ReceiveTextAsync();
        }
        while (last.Contains("\"frame\":", StringComparison.Ordinal));
        Assert.Equal($"{{\"conn_id\":\"{c}\",\"close_code\":1001}}", last);
    }

    [Fact]
    public async Task CloseHandshakeWait_PeerNeverAnswersClose_DroppedAfterTimeout()
    {
        await using var relay = await StartRelayAsync(o => o with { CloseHandshakeTimeout = TimeSpan.FromSeconds(1) });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = p;
        var c = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"]!;
        var clock = Stopwatch.StartNew(); // before the directive: the relay's close wait cannot start earlier
        await b.SendTextAsync($"{{\"conn_id\":\"{c}\",\"close_code\":4401}}");
        var close = await p.ReadMessageFrameAsync();
        Assert.Equal((4401, ""), (close!.CloseCode, close.CloseReason));
        Assert.Empty(await p.ReadUntilEndAsync(TimeSpan.FromSeconds(20)));
        // Lower bound: the 1 s close wait (timers may fire a tick early). Upper: generous, a loaded 2-core host was seen at 6.4 s.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(15));
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c);
        await b.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
    }

    private static async Task WaitForPongAsync(RawWsClient client, string payload, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"no Pong '{payload}' within {within}");
            var frame = await client.ReadFrameAsync(left);
            Assert.NotNull(frame);
            if (frame.Opcode == WsFrames.Pong && frame.Text == payload)
            {
                return;
            }

            Assert.True(frame.Opcode == WsFrames.Ping, "unexpected frame " + frame);
        }
    }

    private static async Task<string> NextTextAsync(RawWsClient client, TimeSpan within)
    {
        var frame = await client.ReadMessageFrameAsync(within);
        Assert.NotNull(frame);
        Assert.Equal(WsFrames.Text, frame.Opcode);
        return frame.Text;
    }
}
