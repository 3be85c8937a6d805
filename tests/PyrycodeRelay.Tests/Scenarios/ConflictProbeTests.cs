using System.Diagnostics;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>Scenarios E (51–53) and docs/protocol.md#conflict-probe-and-takeover: the conflict probe, refusal (4409) and takeover.</summary>
public class ConflictProbeTests : RelayScenario
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Scenario51_DuplicateClaim_Closed4409_IncumbentAndPhoneUntouched()
    {
        // A long probe timeout: the incumbent's Pong, not the timeout, must decide (well before 6 s even when loaded).
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(6) });
        await using var b1 = await relay.ConnectHolderAsync(read: true);
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        using var metrics = new RelayMetricsProbe(relay);

        var clock = Stopwatch.StartNew();
        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        Assert.Equal((4409, "server-id already claimed"), await b2.ReceiveCloseAsync(TimeSpan.FromSeconds(8)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"4409 took {clock.Elapsed}");

        var conflict = await relay.Logs.WaitForAsync("server_id_conflict");
        Assert.Equal(("s1", "127.0.0.1"), (conflict["server_id"], conflict["remote"]));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "reject_409")));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_register_failures_total", ("kind", "server_in_use")));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("outcome", "accept")));
        Assert.Empty(relay.Logs.Named("server_id_takeover"));
        Assert.Single(relay.Logs.Named("server_claimed"));

        await Health.WaitForAsync(relay, 1, 1);
        await p.SendTextAsync("{\"still\":true}");
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"still\":true}}}}", await b1.ReceiveTextAsync());
        await p.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task Scenario52_HalfOpenIncumbent_TakenOverWithinProbeTimeout()
    {
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(1), GracePeriod = TimeSpan.FromSeconds(1) });
        await using var b1 = await relay.ConnectHolderAsync();
        var (p, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        using var metrics = new RelayMetricsProbe(relay);

        var clock = Stopwatch.StartNew();
        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        var takeover = await relay.Logs.WaitForAsync("server_id_takeover", timeout: TimeSpan.FromSeconds(5));
        var claimed = await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count == 2);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"takeover took {clock.Elapsed}"); // 1 s probe; room for a loaded machine
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"takeover before the probe timeout: {clock.Elapsed}");
        Assert.Equal(("s1", "127.0.0.1"), (takeover["server_id"], takeover["remote"]));
        claimed = relay.Logs.Named("server_claimed")[1];
        LogOrder.AssertBefore(relay, takeover, claimed);
        Assert.Equal((4404, "binary reclaimed server-id"), await p.ReceiveCloseAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "accept")));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("outcome", "reject_409")));

        // B1 reads afterwards (within the close-handshake wait) and finds the takeover close.
        b1.StartReading();
        Assert.Equal((1011, "heartbeat timeout"), await b1.ReceiveCloseAsync(TimeSpan.FromSeconds(2)));

        // 3 s later (beyond the 1 s grace) B2 still holds s1: the displaced teardown started no grace.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(relay.Logs.Named("server_released"));
        Assert.Empty(relay.Logs.Named("server_grace_expired"));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_grace_expiries_total"));
        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await p2.SendTextAsync("[3]");
        Assert.Equal($"{{\"conn_id\":\"{c2}\",\"frame\":[3]}}", await b2.ReceiveTextAsync());
        await Health.WaitForAsync(relay, 1, 1);
    }

    [Fact]
    public async Task Scenario53_IncumbentFeedingStalledPhone_StillAnswersProbe_4409()
    {
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(3) });
        await using var b1 = await relay.ConnectHolderAsync(read: true);
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _p = p;
        var envelope = Envelopes.MaxSized(connId, relay.Options.MaxMessageBytes);
        for (var i = 0; i < 8; i++)
        {
            await b1.SendTextAsync(envelope);
        }

        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        Assert.Equal((4409, "server-id already claimed"), await b2.ReceiveCloseAsync(TimeSpan.FromSeconds(3)));
        await relay.Logs.WaitForAsync("server_id_conflict");
        Assert.Empty(relay.Logs.Named("server_id_takeover"));
        Assert.Empty(relay.Logs.Named("phone_unregistered"));
        Assert.Empty(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"));
        await Health.WaitForAsync(relay, 1, 1);
    }

    [Fact]
    public async Task Probe_WrongPongIsStillLife_4409AtTheProbeTimeout()
    {
        // Any bytes from the incumbent during the probe prove it alive (issue 13 finding 3): a Pong with the wrong
        // payload is not the probe's answer, so the claim is refused only when the probe times out.
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(1) });
        var (b1, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b1 = b1;
        await relay.Logs.WaitForAsync("server_claimed");
        var clock = Stopwatch.StartNew();
        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        var ping = await b1.ReadFrameAsync(TimeSpan.FromSeconds(2));
        Assert.NotNull(ping);
        Assert.Equal(WsFrames.Ping, ping.Opcode);
        var wrong = ping.Payload.ToArray();
        wrong[0] ^= 0xFF;
        await b1.SendFrameAsync(WsFrames.Pong, wrong);
        await b1.SendFrameAsync(WsFrames.Pong, []);
        Assert.Equal((4409, "server-id already claimed"), await b2.ReceiveCloseAsync(TimeSpan.FromSeconds(5)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5)); // refused at the 1 s probe timeout
        await relay.Logs.WaitForAsync("server_id_conflict");
        Assert.Empty(relay.Logs.Named("server_id_takeover"));
    }

    [Fact]
    public async Task Probe_EchoingPong_4409()
    {
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(10) });
        var (b1, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b1 = b1;
        await relay.Logs.WaitForAsync("server_claimed");
        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        var ping = await b1.ReadFrameAsync(TimeSpan.FromSeconds(2));
        Assert.NotNull(ping);
        Assert.Equal(WsFrames.Ping, ping.Opcode);
        Assert.InRange(ping.Payload.Length, 0, 125);
        await b1.SendFrameAsync(WsFrames.Pong, ping.Payload);
        Assert.Equal((4409, "server-id already claimed"), await b2.ReceiveCloseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task NewcomerMessagesDuringProbe_ProcessedInOrderAfterTakeover()
    {
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(1) });
        await using var b1 = await relay.ConnectHolderAsync();
        var (b2, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders(),
            tail: [.. WsFrames.Text1("not-json"), .. WsFrames.Text1("{\"conn_id\":\"client-s1-00000000deadbeef\",\"frame\":{}}")]);
        await using var _b2 = b2;
        var takeover = await relay.Logs.WaitForAsync("server_id_takeover", timeout: TimeSpan.FromSeconds(3));
        var malformed = await relay.Logs.WaitForAsync("binary_forwarder_unmarshal_err");
        var unknown = await relay.Logs.WaitForAsync("binary_forwarder_unknown_conn_id");
        LogOrder.AssertBefore(relay, takeover, malformed);
        LogOrder.AssertBefore(relay, malformed, unknown);
    }

    [Fact]
    public async Task NewcomerMessagesDuringProbe_DiscardedWhenRefused()
    {
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(3) });
        await using var b1 = await relay.ConnectHolderAsync(read: true);
        var (b2, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders(), tail: WsFrames.Text1("not-json"));
        await using var _b2 = b2;
        var close = await b2.ReadMessageFrameAsync(TimeSpan.FromSeconds(3));
        Assert.NotNull(close);
        Assert.Equal((4409, "server-id already claimed"), (close.CloseCode, close.CloseReason));
        await b2.SendCloseAsync(4409);
        await relay.Logs.WaitForAsync("server_id_conflict");
        Assert.Null(await b2.ReadFrameAsync(TimeSpan.FromSeconds(3)));
        Assert.Empty(relay.Logs.Named("binary_forwarder_unmarshal_err"));
    }

    [Fact]
    public async Task Probe_IncumbentEndsDuringProbe_OrdinaryReclaimBeforeTimeout()
    {
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(10) });
        var (b1, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b1 = b1;
        await relay.Logs.WaitForAsync("server_claimed");
        var (p, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        var ping = await b1.ReadFrameAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(WsFrames.Ping, ping!.Opcode);

        var clock = Stopwatch.StartNew();
        await b1.SendCloseAsync(1000);
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count == 2, TimeSpan.FromSeconds(8));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"claim resolved only after {clock.Elapsed}"); // the probe would take 10 s
        var released = Assert.Single(relay.Logs.Named("server_released"));
        LogOrder.AssertBefore(relay, released, relay.Logs.Named("server_claimed")[1]);
        Assert.Empty(relay.Logs.Named("server_id_takeover"));
        Assert.Empty(relay.Logs.Named("server_id_conflict"));
        Assert.Equal((4404, "binary reclaimed server-id"), await p.ReceiveCloseAsync());
        await b2.AssertSilentAsync(Silence);
        await Health.WaitForAsync(relay, 1, 0);
    }

    [Fact]
    public async Task Probe_TwoClaimantsOfHalfOpenIncumbent_OneTakesOver_Other4409()
    {
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(1) });
        await using var b1 = await relay.ConnectHolderAsync();
        using var metrics = new RelayMetricsProbe(relay);
        var b2Task = WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        var b3Task = WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        await using var b2 = await b2Task;
        await using var b3 = await b3Task;
        await relay.Logs.WaitForAsync("server_id_takeover", timeout: TimeSpan.FromSeconds(4));
        await relay.Logs.WaitForAsync("server_id_conflict", timeout: TimeSpan.FromSeconds(4));
        var e2 = await FirstEventOrNullAsync(b2);
        var e3 = await FirstEventOrNullAsync(b3);
        var refused = new[] { e2, e3 }.Where(e => e is not null).ToArray();
        var close = Assert.Single(refused);
        Assert.Equal((4409, "server-id already claimed"), (close!.CloseCode, close.CloseReason));
        Assert.Single(relay.Logs.Named("server_id_takeover"));
        Assert.Equal(2, relay.Logs.Named("server_claimed").Count);
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "reject_409")));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "accept")));
        await Health.WaitForAsync(relay, 1, 0);
    }

    private static async Task<PeerEvent?> FirstEventOrNullAsync(WsTestClient peer)
    {
        try
        {
            return await peer.NextAsync(TimeSpan.FromMilliseconds(700));
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
