using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>Scenarios F (58–63) and docs/protocol.md#identifiers, #phone-registration: phone registration, caps, conn_ids.</summary>
public class PhoneLifecycleTests : RelayScenario
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Scenario58_ConnIdFormat()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        await using var p = await WsTestClient.ConnectPhoneAsync(relay.Target, read: true);
        await p.SendTextAsync("{}");
        var envelope = await b.ReceiveTextAsync();
        using var doc = JsonDocument.Parse(envelope);
        var connId = doc.RootElement.GetProperty("conn_id").GetString()!;
        Assert.Matches(new Regex("^client-s1-[0-9a-f]{16}$"), connId);
        Assert.Equal(connId, (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"]);
    }

    [Fact]
    public async Task Scenario59_NoBinary_101Then4404_LoggedAndCounted()
    {
        await using var relay = await StartRelayAsync();
        using var metrics = new RelayMetricsProbe(relay);
        await using var p = await WsTestClient.ConnectPhoneAsync(relay.Target, read: true);
        Assert.Equal((4404, "no server with that id"), await p.ReceiveCloseAsync());
        var log = await relay.Logs.WaitForAsync("phone_register_no_server");
        Assert.Equal(("s1", "127.0.0.1"), (log["server_id"], log["remote"]));
        Assert.Equal((0, 0), await Health.CountsAsync(relay));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "client"), ("outcome", "reject_404")));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_register_failures_total", ("kind", "no_server")));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total"));
        Assert.Empty(relay.Logs.Named("phone_registered"));
    }

    [Fact]
    public async Task Scenario60_PhonesPerServerCap_4429_SlotFreesOnLeave_CapIsPerServerId()
    {
        await using var relay = await StartRelayAsync(o => o with { PhonesPerServer = 3 });
        using var metrics = new RelayMetricsProbe(relay);
        await using var b = await relay.ConnectHolderAsync("s1", read: true);
        await using var b2 = await relay.ConnectHolderAsync("s2", read: true);
        var phones = new List<WsTestClient>();
        for (var i = 0; i < 3; i++)
        {
            phones.Add((await relay.ConnectRegisteredPhoneAsync("s1", read: true)).Client);
        }

        await using var fourth = await WsTestClient.ConnectPhoneAsync(relay.Target, "s1", read: true);
        Assert.Equal((4429, "too many phones for server-id"), await fourth.ReceiveCloseAsync());
        var atCap = await relay.Logs.WaitForAsync("phone_register_at_cap");
        Assert.Equal(("s1", "127.0.0.1"), (atCap["server_id"], atCap["remote"]));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "client"), ("outcome", "reject_429")));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_register_failures_total", ("kind", "phones_at_cap")));
        await Health.WaitForAsync(relay, 2, 3);
        foreach (var phone in phones)
        {
            await phone.AssertSilentAsync(TimeSpan.FromMilliseconds(100));
        }

        await phones[0].CloseOutputAsync();
        await phones[0].ReceiveCloseAsync();
        await Health.WaitForAsync(relay, 2, 2);
        var (again, _) = await relay.ConnectRegisteredPhoneAsync("s1", read: true);
        await using var _a = again;
        await Health.WaitForAsync(relay, 2, 3);

        var (other, _) = await relay.ConnectRegisteredPhoneAsync("s2", read: true);
        await using var _o = other;
        await Health.WaitForAsync(relay, 2, 4);
        foreach (var phone in phones)
        {
            await phone.DisposeAsync();
        }
    }

    [Fact]
    public async Task Scenario61_DeviceNames_LoggedSanitised()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(deviceName: "Juhana's iPhone", read: true);
        await using var _1 = p1;
        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _2 = p2;
        var name = new string('A', 40) + "\t" + new string('B', 20) + "\u0001" + new string('C', 38);
        Assert.Equal(100, name.Length);
        var (p3, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", [.. RawWsClient.PhoneHeaders(), ("X-Pyrycode-Device-Name", name)]);
        await using var _3 = p3;
        var e3 = await relay.Logs.WaitForAsync("phone_registered", e => e["conn_id"] != c1 && e["conn_id"] != c2);

        Assert.Equal("Juhana's iPhone", relay.Logs.Named("phone_registered").Single(e => e["conn_id"] == c1)["device_name"]);
        Assert.Equal("", relay.Logs.Named("phone_registered").Single(e => e["conn_id"] == c2)["device_name"]);
        Assert.Equal(new string('A', 40) + new string('B', 20) + "CCCC", e3["device_name"]);
        await Health.WaitForAsync(relay, 1, 3);
    }

    [Fact]
    public async Task DeviceName_TruncatedByCodePoints_NotUtf16Units()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var name = string.Concat(Enumerable.Repeat("📱", 70));
        var (p, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", [.. RawWsClient.PhoneHeaders(), ("X-Pyrycode-Device-Name", name)]);
        await using var _p = p;
        Assert.Equal(string.Concat(Enumerable.Repeat("📱", 64)), (await relay.Logs.WaitForAsync("phone_registered"))["device_name"]);
    }

    [Fact]
    public async Task Scenario62_ConnIdsUnique_AcrossPhonesAndRestart()
    {
        const int PerRun = 2000;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        for (var run = 0; run < 2; run++)
        {
            await using var relay = await StartRelayAsync();
            await using var b = await relay.ConnectHolderAsync(read: true);
            for (var i = 0; i < PerRun; i++)
            {
                var p = await WsTestClient.ConnectPhoneAsync(relay.Target);
                await p.SendTextAsync("0");
                var envelope = await b.ReceiveTextAsync();
                var connId = envelope[12..envelope.IndexOf('"', 12)];
                Assert.Matches("^client-s1-[0-9a-f]{16}$", connId);
                Assert.True(seen.Add(connId), $"conn_id {connId} repeated after {seen.Count} phones");
                await p.DisposeAsync();
                Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
            }
        }

        Assert.Equal(2 * PerRun, seen.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task Scenario63_PhoneDuringGrace_FrameCannotBeDelivered_Closed1000()
    {
        await using var relay = await StartRelayAsync(o => o with { GracePeriod = TimeSpan.FromSeconds(5) });
        await using var b = await relay.ConnectHolderAsync(read: true);
        await b.CloseOutputAsync();
        await b.ReceiveCloseAsync();
        await relay.Logs.WaitForAsync("server_released");

        var (p, connId) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await p.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
        await p.SendTextAsync("{\"during\":\"grace\"}");
        Assert.Equal((1000, ""), await p.ReceiveCloseAsync());
        var failed = await relay.Logs.WaitForAsync("phone_forwarder_send_failed");
        Assert.Equal(("s1", connId), (failed["server_id"], failed["conn_id"]));
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == connId);
        await Health.WaitForAsync(relay, 0, 0);
        Assert.Empty(relay.Logs.Named("server_grace_expired"));
    }
}
