using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenarios D 47–49 (docs/protocol.md#before-the-upgrade) and docs/operations.md#connection-cap: the global connection cap through the relay.</summary>
public sealed class ConnectionCapRelayTests
{
    private const string Host = "127.0.0.1";

    [Fact]
    public async Task D47_dials_beyond_the_cap_get_503_before_any_upgrade_and_never_reach_the_registry()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { MaxConnections = 2, TrustXForwardedFor = true });
        await using var b = await relay.ConnectHolderAsync("e2e-s1");
        var (p, _) = await relay.ConnectRegisteredPhoneAsync("e2e-s1");
        await relay.WaitForSlotsAsync(2);
        var logsBefore = relay.Logs.Entries.Count;

        var phone = await RawHttp.SendAsync(relay.Target, RawHttp.PhoneUpgrade(Host, "e2e-s1", "X-Forwarded-For: 192.0.2.1", "X-Pyrycode-Device-Name: DEVICE-MARKER"));
        RelayResponses.AssertRefusal(phone, 503);
        var binary = await RawHttp.SendAsync(relay.Target, RawHttp.BinaryUpgrade(Host, "e2e-s47-other"));
        RelayResponses.AssertRefusal(binary, 503);

        var denied = relay.Logs.Entries.Skip(logsBefore).ToList();
        Assert.Equal(["conn_cap_reached", "conn_cap_reached"], denied.Select(e => e.Name));
        Assert.All(denied, e =>
        {
            Assert.Equal(LogLevel.Warning, e.Level);
            Assert.Equal(["path", "remote"], e.Fields.Select(f => f.Key));
            Assert.Equal("127.0.0.1", e["remote"]);
        });
        Assert.Equal(["/v1/client", "/v1/server"], denied.Select(e => e["path"]));
        foreach (var marker in new[] { "e2e-s47-other", "DEVICE-MARKER", "phone-token-opaque", "pyry-", "192.0.2.1" })
        {
            Assert.DoesNotContain(marker, relay.Text, StringComparison.Ordinal);
        }

        await relay.ExpectMetricsAsync(new()
        {
            ["pyrycode_relay_ws_upgrade_attempts_total"] = new() { ["endpoint=server,outcome=accept"] = 1, ["endpoint=client,outcome=accept"] = 1 },
            ["pyrycode_relay_register_failures_total"] = [],
        });

        await p.CloseAsync();
        await relay.WaitForSlotsAsync(1);
        var (p2, _) = await relay.ConnectRegisteredPhoneAsync("e2e-s1");
        await using var _ = p2;
        RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.PhoneUpgrade(Host, "e2e-s1")), 503);
        Assert.Equal(3, relay.Logs.Named("conn_cap_reached").Count);
        await p.DisposeAsync();
    }

    [Fact]
    public async Task D48_a_registry_reject_frees_its_slot_so_the_next_phone_is_not_503()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { MaxConnections = 1 });
        for (var i = 0; i < 2; i++)
        {
            await using var p = await WsTestClient.ConnectPhoneAsync(relay.Target, "e2e-s1");
            Assert.Equal((4404, "no server with that id"), await p.ReceiveCloseAsync());
            await p.AnswerCloseAsync();
            await relay.WaitForSlotsAsync(0);
        }

        Assert.Empty(relay.Logs.Named("conn_cap_reached"));
        await relay.ExpectMetricsAsync(new() { ["pyrycode_relay_ws_upgrade_attempts_total"] = new() { ["endpoint=client,outcome=reject_404"] = 2 } });
    }

    [Fact]
    public async Task D49_a_closed_holder_frees_its_slot_and_grace_expiry_frees_the_phones()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { MaxConnections = 2, GracePeriod = TimeSpan.FromSeconds(1) });
        var b = await relay.ConnectHolderAsync("e2e-s1");
        var (p, _) = await relay.ConnectRegisteredPhoneAsync("e2e-s1");
        await using var __ = p;
        await b.CloseAsync();
        await b.DisposeAsync();
        await relay.WaitForSlotsAsync(1);
        var (p2, _) = await relay.ConnectRegisteredPhoneAsync("e2e-s1"); // registers during grace
        await using var ___ = p2;
        await relay.Logs.WaitForAsync("server_grace_expired", timeout: TimeSpan.FromSeconds(5));
        Assert.Equal((1000, ""), await p.ReceiveCloseAsync());
        Assert.Equal((1000, ""), await p2.ReceiveCloseAsync());
        await p.AnswerCloseAsync();
        await p2.AnswerCloseAsync();
        await relay.WaitForSlotsAsync(0);
        await using var b2 = await relay.ConnectHolderAsync("e2e-s1");
        var (p3, _) = await relay.ConnectRegisteredPhoneAsync("e2e-s1");
        await using var ____ = p3;
        Assert.Empty(relay.Logs.Named("conn_cap_reached"));
    }

    [Fact]
    public async Task The_rate_limit_runs_before_the_cap_so_a_503_spends_a_token()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { MaxConnections = 1, RateLimitBurst = 3 });
        await using var b = await relay.ConnectHolderAsync("e2e-s1");
        RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.PhoneUpgrade(Host, "e2e-s1").Replace("/v1/client", "/v2/client?x=1", StringComparison.Ordinal)), 503);
        RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.PhoneUpgrade(Host, "e2e-s1")), 503);
        RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.PhoneUpgrade(Host, "e2e-s1")), 429);
        Assert.Equal(["/v2/client", "/v1/client"], relay.Logs.Named("conn_cap_reached").Select(e => e["path"]));
        Assert.Single(relay.Logs.Named("rate_limited"));
    }

    [Fact]
    public async Task Slots_are_released_on_every_close_path()
    {
        var options = TestRelay.Insecure() with
        {
            MaxConnections = 3,
            PhonesPerServer = 1,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            HeartbeatTimeout = TimeSpan.FromSeconds(1),
            CloseHandshakeTimeout = TimeSpan.FromSeconds(1),
        };
        await using var relay = await TestRelay.StartAsync(options);
        await using var b = await relay.ConnectHolderAsync("e2e-s1");
        var bClosed = b.ReadUntilCloseAsync(TimeSpan.FromSeconds(60)); // keeps answering pings and probes
        var (p1, _) = await relay.ConnectRegisteredPhoneAsync("e2e-s1");
        await using var _ = p1;
        var p1Closed = p1.ReadUntilCloseAsync(TimeSpan.FromSeconds(60));
        await relay.WaitForSlotsAsync(2); // baseline: one free slot for each path below

        // 400 from the header gate, then handshake 4xx (405, 426), each on a connection that stays open
        // (keep-alive): the slot is released when the request has ended, not the TCP connection.
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await using var keepAlive = await relay.Target.OpenStreamAsync(cts.Token);
            RelayResponses.AssertRefusal(await RawHttp.ExchangeAsync(keepAlive, RawHttp.Upgrade("/v1/server", Host), cts.Token), 400);
            await AdmittedAgainAsync(relay, "400");
            var post = RawHttp.Request("POST", "/v1/server", Host, ["X-Pyrycode-Server: e2e-s9", "X-Pyrycode-Version: 1", "User-Agent: u", "Content-Length: 0"]);
            Assert.Equal(405, (await RawHttp.ExchangeAsync(keepAlive, post, cts.Token)).Status);
            await AdmittedAgainAsync(relay, "405");
            var v8 = RawHttp.BinaryUpgrade(Host, "e2e-s9").Replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", StringComparison.Ordinal);
            var upgradeRequired = await RawHttp.ExchangeAsync(keepAlive, v8, cts.Token);
            Assert.Equal(426, upgradeRequired.Status);
            Assert.Equal("13", upgradeRequired.Header("Sec-WebSocket-Version"));
            await AdmittedAgainAsync(relay, "426");
        }

        // 4404 (the admission probe itself is one more).
        await using (var p = await WsTestClient.ConnectPhoneAsync(relay.Target, "e2e-absent"))
        {
            Assert.Equal((4404, "no server with that id"), await p.ReceiveCloseAsync());
            await p.AnswerCloseAsync();
        }

        await AdmittedAgainAsync(relay, "4404");

        // 4409: the incumbent answers the probe.
        await using (var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, "e2e-s1"))
        {
            Assert.Equal((4409, "server-id already claimed"), await b2.ReceiveCloseAsync());
            await b2.AnswerCloseAsync();
        }

        await AdmittedAgainAsync(relay, "4409");

        // 4429: phones-per-server is 1.
        await using (var p2 = await WsTestClient.ConnectPhoneAsync(relay.Target, "e2e-s1"))
        {
            Assert.Equal((4429, "too many phones for server-id"), await p2.ReceiveCloseAsync());
            await p2.AnswerCloseAsync();
        }

        await AdmittedAgainAsync(relay, "4429");

        // Normal close by the client.
        await using (var b3 = await relay.ConnectHolderAsync("e2e-s2"))
        {
            await b3.CloseAsync();
        }

        await AdmittedAgainAsync(relay, "normal close");

        // Abrupt TCP drop (no close frame).
        var b4 = await relay.ConnectHolderAsync("e2e-s3");
        b4.Socket.Abort();
        await b4.DisposeAsync();
        await AdmittedAgainAsync(relay, "TCP drop");

        // Heartbeat timeout: a raw client that upgrades and then never answers a ping.
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await using var silent = await relay.Target.OpenStreamAsync(cts.Token);
            var upgraded = await RawHttp.ExchangeAsync(silent, RawHttp.BinaryUpgrade(Host, "e2e-s4"), cts.Token);
            Assert.Equal(101, upgraded.Status);
            await relay.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "e2e-s4");
            await relay.WaitForSlotsAsync(3);
            await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "e2e-s4", TimeSpan.FromSeconds(10));
            await AdmittedAgainAsync(relay, "heartbeat timeout");
        }

        // Shutdown closes the rest; every slot is released.
        Assert.True(await relay.Host.ShutdownAsync());
        Assert.Equal((1001, "shutting down"), await bClosed);
        Assert.Equal((1001, "shutting down"), await p1Closed);
        Assert.Equal(0, relay.Host.Admission.ConnectionCap.Count);
        Assert.Empty(relay.Logs.Named("conn_cap_reached"));
    }

    /// <summary>
    /// The slot used by the path under test comes back (two remain held by the baseline pair), and a new dial is
    /// admitted: 101 (then 4404 for an absent server-id), not 503.
    /// </summary>
    private static async Task AdmittedAgainAsync(TestRelay relay, string path)
    {
        try
        {
            await relay.WaitForSlotsAsync(2);
        }
        catch (Xunit.Sdk.FailException e)
        {
            throw new Xunit.Sdk.XunitException($"slot not released after {path}: {e.Message}");
        }

        await using (var probe = await WsTestClient.ConnectPhoneAsync(relay.Target, "e2e-absent"))
        {
            Assert.Equal(WebSocketState.Open, probe.Socket.State);
            Assert.Equal((4404, "no server with that id"), await probe.ReceiveCloseAsync());
            await probe.AnswerCloseAsync();
        }

        await relay.WaitForSlotsAsync(2);
    }
}
