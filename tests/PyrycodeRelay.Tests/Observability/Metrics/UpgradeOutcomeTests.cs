namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>Scenarios 97, 38, 59 (docs/metrics.md): one increment per terminal upgrade decision, with the matching kind.</summary>
public sealed class UpgradeOutcomeTests
{
    private const string Upgrades = "pyrycode_relay_ws_upgrade_attempts_total";
    private const string Failures = "pyrycode_relay_register_failures_total";
    private const string Closes = "pyrycode_relay_connection_closes_total";

    [Fact]
    public async Task Scenario97_EveryOutcomeCountsOnce_WithItsKind()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { PhonesPerServer = 1 }, metrics: true);

        // An accepted binary, kept reading so it answers the conflict probe.
        await using var b = await relay.ConnectHolderAsync("srv-m97");
        var bReads = b.ReadToEndAsync();

        // A header-less binary: 400 from the header gate.
        await ExpectRejectedAsync(relay, "/v1/server", new() { ["X-Pyrycode-Version"] = "0.1.0-test" });

        // A duplicate claim while the holder answers pings: 4409.
        await using (var duplicate = await WsTestClient.ConnectBinaryAsync(relay.Target, "srv-m97"))
        {
            await duplicate.ExpectCloseAsync(4409, "server-id already claimed");
        }

        // A phone for an absent server-id: 4404.
        await using (var stray = await WsTestClient.ConnectPhoneAsync(relay.Target, "srv-m97-absent"))
        {
            await stray.ExpectCloseAsync(4404, "no server with that id");
        }

        // The first phone registers; a second one on the same server-id is over the cap: 4429.
        var (p1, _) = await relay.ConnectRegisteredPhoneAsync("srv-m97");
        await using var keep = p1;
        await using (var p2 = await WsTestClient.ConnectPhoneAsync(relay.Target, "srv-m97"))
        {
            await p2.ExpectCloseAsync(4429, "too many phones for server-id");
        }

        await relay.ExpectMetricsAsync(new()
        {
            [Upgrades] = new()
            {
                ["endpoint=server,outcome=accept"] = 1,
                ["endpoint=server,outcome=reject_headers"] = 1,
                ["endpoint=server,outcome=reject_409"] = 1,
                ["endpoint=client,outcome=accept"] = 1,
                ["endpoint=client,outcome=reject_404"] = 1,
                ["endpoint=client,outcome=reject_429"] = 1,
            },
            [Failures] = new() { ["kind=server_in_use"] = 1, ["kind=no_server"] = 1, ["kind=phones_at_cap"] = 1 },
            [Closes] = new() { ["endpoint=server,cause=rejected"] = 1, ["endpoint=client,cause=rejected"] = 2 },
            ["pyrycode_relay_connected_binaries"] = new() { [""] = 1 },
            ["pyrycode_relay_connected_phones"] = new() { [""] = 1 },
        });
    }

    [Fact]
    public async Task Scenario97_RateLimit_CountsRejectRateLimitAndRatelimitKind()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { RateLimitBurst = 1 }, metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m97-rl");
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => WsTestClient.ConnectBinaryAsync(relay.Target, "srv-m97-rl2"));
        await relay.ExpectMetricsAsync(new()
        {
            [Upgrades] = new() { ["endpoint=server,outcome=accept"] = 1, ["endpoint=server,outcome=reject_rate_limit"] = 1 },
            [Failures] = new() { ["kind=ratelimit"] = 1 },
        });
    }

    [Fact]
    public async Task Scenario38_AliasesCountAsTheirEndpoint()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m38", path: "/v2/server");
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync("srv-m38", path: "/v1/client");
        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync("srv-m38", path: "/v2/client");
        await using var d1 = p1;
        await using var d2 = p2;
        await p1.SendTextAsync("{\"n\":1}");
        Assert.Equal($"{{\"conn_id\":\"{c1}\",\"frame\":{{\"n\":1}}}}", await b.ReceiveTextAsync());
        await p2.SendTextAsync("{\"n\":2}");
        Assert.Equal($"{{\"conn_id\":\"{c2}\",\"frame\":{{\"n\":2}}}}", await b.ReceiveTextAsync());

        await relay.ExpectMetricsAsync(new()
        {
            [Upgrades] = new() { ["endpoint=server,outcome=accept"] = 1, ["endpoint=client,outcome=accept"] = 2 },
            [Failures] = [],
            ["pyrycode_relay_frames_forwarded_total"] = new() { ["direction=phone_to_binary"] = 2 },
        });
    }

    [Fact]
    public async Task Scenario59_PhoneWithoutBinary_Reject404_NoServer()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await using (var p = await WsTestClient.ConnectPhoneAsync(relay.Target, "srv-m59"))
        {
            await p.ExpectCloseAsync(4404, "no server with that id");
        }

        await relay.Logs.WaitForAsync("phone_register_no_server");
        await relay.WaitForCountsAsync(0, 0);
        await relay.ExpectMetricsAsync(new()
        {
            [Upgrades] = new() { ["endpoint=client,outcome=reject_404"] = 1 },
            [Failures] = new() { ["kind=no_server"] = 1 },
            [Closes] = new() { ["endpoint=client,cause=rejected"] = 1 },
            ["pyrycode_relay_connected_binaries"] = [],
            ["pyrycode_relay_connected_phones"] = [],
        });
    }

    /// <summary>Dials <paramref name="path"/> with <paramref name="headers"/> and asserts the upgrade is refused with 400.</summary>
    private static async Task ExpectRejectedAsync(TestRelay relay, string path, Dictionary<string, string> headers)
    {
        var error = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => WsTestClient.ConnectAsync(relay.Target, path, headers));
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }
}
