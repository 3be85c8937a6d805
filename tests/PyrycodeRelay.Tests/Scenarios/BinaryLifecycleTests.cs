using System.Diagnostics;
using System.Net.WebSockets;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>Scenarios E (50–57) and docs/protocol.md#binary-claim, #conflict-probe-and-takeover, #grace-reclaim-and-expiry: claim, probe, takeover, grace, reclaim, expiry.</summary>
public class BinaryLifecycleTests : RelayScenario
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Scenario50_BinaryDials_101_NothingSent_CountedAndPhonesRegister()
    {
        await using var relay = await StartRelayAsync();
        using var metrics = new RelayMetricsProbe(relay);
        var (binary, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b = binary;
        await Health.WaitForAsync(relay, 1, 0);
        var claimed = await relay.Logs.WaitForAsync("server_claimed");
        Assert.Equal(("s1", "0.1.0-test", "127.0.0.1"), (claimed["server_id"], claimed["binary_version"], claimed["remote"]));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "accept")));

        var (phone, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        await Health.WaitForAsync(relay, 1, 1);
        await Assert.ThrowsAsync<TimeoutException>(() => binary.ReadFrameAsync(Silence));
    }

    [Fact]
    public async Task Scenario54_Grace_PhoneDuringGraceRegisters_AfterExpiry4404_ThenOrdinaryClaim()
    {
        await using var relay = await StartRelayAsync(o => o with { GracePeriod = TimeSpan.FromSeconds(2) });
        await using var b = await relay.ConnectHolderAsync(read: true);
        await b.CloseOutputAsync();
        var closedAt = Stopwatch.StartNew();
        Assert.Equal((1000, ""), await b.ReceiveCloseAsync());
        await relay.Logs.WaitForAsync("server_released");

        var (p1, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p1 = p1;
        Assert.True(closedAt.Elapsed < TimeSpan.FromSeconds(1), $"phone registered {closedAt.Elapsed} after the close");
        await p1.AssertSilentAsync(TimeSpan.FromMilliseconds(800));
        Assert.Equal((1000, ""), await p1.ReceiveCloseAsync(TimeSpan.FromSeconds(3)));

        var wait = TimeSpan.FromSeconds(3) - closedAt.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await using var p2 = await WsTestClient.ConnectPhoneAsync(relay.Target, read: true);
        Assert.Equal((4404, "no server with that id"), await p2.ReceiveCloseAsync());

        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count == 2);
        await b2.AssertSilentAsync(Silence);
        Assert.Empty(relay.Logs.Named("server_id_conflict"));
        await Health.WaitForAsync(relay, 1, 0);
    }

    [Fact]
    public async Task Scenario55_Reclaim_EvictsOldPhone4404_NoNoticeToEitherBinary()
    {
        await using var relay = await StartRelayAsync();
        await using var b1 = await relay.ConnectHolderAsync(read: true);
        var (p, c1) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await p.SendTextAsync("{\"v\":2,\"t\":\"probe-1\"}");
        Assert.Equal($"{{\"conn_id\":\"{c1}\",\"frame\":{{\"v\":2,\"t\":\"probe-1\"}}}}", await b1.ReceiveTextAsync());

        await b1.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "restart");
        Assert.Equal((1000, ""), await b1.ReceiveCloseAsync());
        await relay.Logs.WaitForAsync("server_released");

        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        Assert.Equal((4404, "binary reclaimed server-id"), await p.ReceiveCloseAsync());
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count == 2);

        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        Assert.NotEqual(c1, c2);
        await p2.SendTextAsync("{\"v\":2,\"t\":\"probe-2\"}");
        Assert.Equal($"{{\"conn_id\":\"{c2}\",\"frame\":{{\"v\":2,\"t\":\"probe-2\"}}}}", await b2.ReceiveTextAsync());
        await b2.AssertSilentAsync(Silence);
        Assert.True((await b1.NextAsync(TimeSpan.FromSeconds(1))).Error is not null, "B1 must receive nothing after its close");
        Assert.Empty(relay.Logs.Named("server_id_conflict"));
    }

    [Fact]
    public async Task Scenario56_GraceExpiry_PhonesClosed1000_CounterAndLog_ThenFree()
    {
        await using var relay = await StartRelayAsync(o => o with { GracePeriod = TimeSpan.FromSeconds(1) });
        using var metrics = new RelayMetricsProbe(relay);
        await using var b1 = await relay.ConnectHolderAsync(read: true);
        var (p1, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        var (p2, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p1 = p1;
        await using var _p2 = p2;

        var clock = Stopwatch.StartNew(); // before the close: the grace cannot start earlier
        await b1.CloseOutputAsync();
        Assert.Equal((1000, ""), await b1.ReceiveCloseAsync());
        Assert.Equal((1000, ""), await p1.ReceiveCloseAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal((1000, ""), await p2.ReceiveCloseAsync(TimeSpan.FromSeconds(5)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(4)); // timers may fire a tick early
        Assert.Equal("s1", (await relay.Logs.WaitForAsync("server_grace_expired"))["server_id"]);
        Assert.Equal(1, metrics.Counter("pyrycode_relay_grace_expiries_total"));
        await Health.WaitForAsync(relay, 0, 0);

        await using var p3 = await WsTestClient.ConnectPhoneAsync(relay.Target, read: true);
        Assert.Equal((4404, "no server with that id"), await p3.ReceiveCloseAsync());
        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count == 2);
        await b2.AssertSilentAsync(Silence);
        Assert.Equal(1, metrics.Counter("pyrycode_relay_grace_expiries_total"));
    }

    [Fact]
    public async Task Scenario57_HealthDuringGraceAndAfterReclaim()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await Health.WaitForAsync(relay, 1, 1);

        b.Socket.Abort();
        await relay.Logs.WaitForAsync("server_released");
        Assert.Equal((0, 1), await Health.CountsAsync(relay));

        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count == 2);
        Assert.Equal((1, 0), await Health.CountsAsync(relay));
        Assert.Equal((4404, "binary reclaimed server-id"), await p.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Reclaim_EvictsPhonesRegisteredBeforeAndDuringGrace()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p1 = p1;
        b.Socket.Abort();
        await relay.Logs.WaitForAsync("server_released");
        var (p2, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await Health.WaitForAsync(relay, 0, 2);

        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        Assert.Equal((4404, "binary reclaimed server-id"), await p1.ReceiveCloseAsync());
        Assert.Equal((4404, "binary reclaimed server-id"), await p2.ReceiveCloseAsync());
        await b2.AssertSilentAsync(Silence);
        await Health.WaitForAsync(relay, 1, 0);
    }

    [Fact]
    public async Task LateGraceExpiryAfterReclaim_HasNoEffect()
    {
        await using var relay = await StartRelayAsync(o => o with { GracePeriod = TimeSpan.FromSeconds(1) });
        using var metrics = new RelayMetricsProbe(relay);
        await using var b = await relay.ConnectHolderAsync(read: true);
        b.Socket.Abort();
        await relay.Logs.WaitForAsync("server_released");
        await using var b2 = await relay.ConnectHolderAsync(read: true);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(relay.Logs.Named("server_grace_expired"));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_grace_expiries_total"));
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await p.SendTextAsync("1");
        Assert.Equal($"{{\"conn_id\":\"{c}\",\"frame\":1}}", await b2.ReceiveTextAsync());
    }
}
