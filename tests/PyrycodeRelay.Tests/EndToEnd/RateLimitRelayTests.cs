using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenarios D 43–46 (docs/protocol.md#before-the-upgrade) and docs/operations.md#client-ip, docs/operations.md#rate-limiting through the relay: per-IP buckets, X-Forwarded-For, the deny shape.</summary>
public sealed class RateLimitRelayTests
{
    private const string Host = "127.0.0.1";

    [Fact]
    public async Task D43_the_21st_attempt_from_one_ip_is_429_another_ip_is_allowed_and_a_token_returns_after_6s()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure());
        var phones = new List<WsTestClient>();
        try
        {
            await using var b = await relay.ConnectHolderAsync("e2e-s43");
            for (var i = 0; i < 19; i++)
            {
                if (i % 2 == 0)
                {
                    phones.Add((await relay.ConnectRegisteredPhoneAsync("e2e-s43")).Client); // 10 valid phones
                }
                else
                {
                    Assert.Equal(400, (await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", Host))).Status); // 9 header-less
                }
            }

            var logsBefore = relay.Logs.Entries.Count;
            var denied = await RawHttp.SendAsync(relay.Target, RawHttp.PhoneUpgrade(Host, "e2e-s43"));
            RelayResponses.AssertRefusal(denied, 429);
            Assert.Equal((1, 10), (relay.Host.Registry.ConnectedBinaries, relay.Host.Registry.ConnectedPhones));
            var warn = Assert.Single(relay.Logs.Entries.Skip(logsBefore));
            Assert.Equal("rate_limited", warn.Name);
            Assert.Equal(LogLevel.Warning, warn.Level);
            Assert.Equal(["remote"], warn.Fields.Select(f => f.Key));
            Assert.Equal("\"127.0.0.1\"", warn["remote"]);
            Assert.Contains("level=WARN msg=rate_limited remote=\"\\\"127.0.0.1\\\"\"\n", relay.Text, StringComparison.Ordinal);

            // Another client IP has its own bucket.
            phones.Add((await relay.ConnectRegisteredPhoneAsync("e2e-s43", relay.Target.From("127.0.0.2"))).Client);
            Assert.Equal("127.0.0.2", relay.Logs.Named("phone_registered")[^1]["remote"]);

            // /healthz and /readyz are never limited.
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(200, (await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", Host))).Status);
                Assert.Equal(200, (await RawHttp.SendAsync(relay.Target, RawHttp.Get("/readyz", Host))).Status);
            }

            await relay.ExpectMetricsAsync(new()
            {
                ["pyrycode_relay_ws_upgrade_attempts_total"] = new()
                {
                    ["endpoint=server,outcome=accept"] = 1, ["endpoint=client,outcome=accept"] = 11,
                    ["endpoint=server,outcome=reject_headers"] = 9, ["endpoint=client,outcome=reject_rate_limit"] = 1,
                },
                ["pyrycode_relay_register_failures_total"] = new() { ["kind=ratelimit"] = 1 },
            });

            await Task.Delay(TimeSpan.FromSeconds(6)); // the refill period of the scenario
            phones.Add((await relay.ConnectRegisteredPhoneAsync("e2e-s43")).Client);
            Assert.Single(relay.Logs.Named("rate_limited"));
        }
        finally
        {
            foreach (var p in phones)
            {
                await p.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task D44_whole_tokens_refill_with_the_fraction_carried_over()
    {
        // The relay's clock is a fake one, so the refill is exact (wall-clock sleeps gave 0.6 s of slack on a loaded machine).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { RateLimitBurst = 2, RateLimitRefill = TimeSpan.FromSeconds(1) }, time: time);
        async Task<int[]> Attempts(int n)
        {
            var statuses = new int[n];
            for (var i = 0; i < n; i++)
            {
                statuses[i] = (await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/client", Host))).Status;
            }

            return statuses;
        }

        var first = await Attempts(2);
        Assert.Equal(new[] { 400, 400 }, first);
        time.Advance(TimeSpan.FromSeconds(1.4));
        var second = await Attempts(2);
        Assert.Equal(new[] { 400, 429 }, second);
        time.Advance(TimeSpan.FromSeconds(2));
        var third = await Attempts(3);
        Assert.Equal(new[] { 400, 400, 429 }, third);
    }

    [Fact]
    public async Task D45_x_forwarded_for_is_ignored_without_the_flag_and_keys_the_bucket_with_it()
    {
        string Upgrade(string? xff) => RawHttp.Upgrade("/v1/client", Host, xff is null ? [] : ["X-Forwarded-For: " + xff]);

        await using (var off = await TestRelay.StartAsync(TestRelay.Insecure() with { RateLimitBurst = 1 }))
        {
            Assert.Equal(400, (await RawHttp.SendAsync(off.Target, Upgrade("9.9.9.9"))).Status);
            Assert.Equal(429, (await RawHttp.SendAsync(off.Target, Upgrade("8.8.8.8"))).Status);
            Assert.Equal("\"127.0.0.1\"", Assert.Single(off.Logs.Named("rate_limited"))["remote"]);
        }

        var trusting = TestRelay.Insecure() with { RateLimitBurst = 1, TrustXForwardedFor = true };
        await using (var on = await TestRelay.StartAsync(trusting))
        {
            (string Xff, int Status)[] steps =
            [
                ("9.9.9.9", 400), ("9.9.9.9", 429), ("8.8.8.8", 400),
                ("   203.0.113.7   , 192.0.2.10", 400), ("   203.0.113.7   , 192.0.2.10", 429),
            ];
            foreach (var (xff, status) in steps)
            {
                Assert.Equal(status, (await RawHttp.SendAsync(on.Target, Upgrade(xff))).Status);
            }

            // The key is not validated as an IP; the formatter escapes the quotes it is wrapped in.
            Assert.Equal(400, (await RawHttp.SendAsync(on.Target, Upgrade("not an \"ip\""))).Status);
            Assert.Equal(429, (await RawHttp.SendAsync(on.Target, Upgrade("not an \"ip\""))).Status);
            Assert.Equal(["\"9.9.9.9\"", "\"203.0.113.7\"", "\"not an \"ip\"\""], on.Logs.Named("rate_limited").Select(e => e["remote"]));
            Assert.Contains("level=WARN msg=rate_limited remote=\"\\\"not an \\\"ip\\\"\\\"\"\n", on.Text, StringComparison.Ordinal);

            // Every other log line names the peer, never the forwarded value.
            await using var b = await WsTestClient.ConnectAsync(on.Target, "/v1/server", new Dictionary<string, string>(ClientHeaders.Binary("e2e-s45")) { ["X-Forwarded-For"] = "192.0.2.99" });
            Assert.Equal("127.0.0.1", (await on.Logs.WaitForAsync("server_claimed"))["remote"]);
        }

        await using var fresh = await TestRelay.StartAsync(trusting);
        Assert.Equal(400, (await RawHttp.SendAsync(fresh.Target, Upgrade("   , 198.51.100.4"))).Status);
        Assert.Equal(429, (await RawHttp.SendAsync(fresh.Target, Upgrade(null))).Status);
        Assert.Equal("\"127.0.0.1\"", Assert.Single(fresh.Logs.Named("rate_limited"))["remote"]);
    }

    [Fact]
    public async Task D46_one_rate_limited_warn_with_the_quoted_key_and_nothing_else()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { RateLimitBurst = 1, TrustXForwardedFor = true });
        var request = RawHttp.Get("/v1/client", Host, "X-Forwarded-For: 1.2.3.4", "X-Pyrycode-Server: e2e-secret-sid",
            "X-Pyrycode-Token: phone-token-opaque", "User-Agent: UA-MARKER/1.0", "X-Pyrycode-Device-Name: DEVICE-MARKER");
        Assert.Equal(400, (await RawHttp.SendAsync(relay.Target, request)).Status); // passed the gate; not an upgrade
        Assert.Empty(relay.Logs.Entries);
        RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, request), 429);

        var warn = Assert.Single(relay.Logs.Entries);
        Assert.Equal("rate_limited", warn.Name);
        Assert.Equal(["remote"], warn.Fields.Select(f => f.Key));
        Assert.Equal("\"1.2.3.4\"", warn["remote"]);
        var line = Assert.Single(relay.TextLog.Lines);
        Assert.Matches("""^time=\S+ level=WARN msg=rate_limited remote="\\"1\.2\.3\.4\\""$""", line);
    }
}
