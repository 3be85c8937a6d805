using System.Globalization;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Issue 13 finding 2 through the relay, behind a (simulated) trusted proxy that appends the real client address:
/// forged X-Forwarded-For entries neither evade the rate limit nor grow the bucket table.
/// </summary>
public sealed class ForwardedForAttackTests
{
    private const string Host = "127.0.0.1";

    [Fact]
    public async Task Ten_thousand_unique_8_KiB_forged_entries_share_one_bucket_and_the_victim_keeps_its_own()
    {
        // No refill during the run: 10,000 exchanges take 4–6 s here, and a token back after the default 6 s would let a
        // sixth request through.
        var options = TestRelay.Insecure() with
        {
            TrustXForwardedFor = true, RateLimitBurst = 5, RateLimitMaxSources = 500, RateLimitRefill = TimeSpan.FromMinutes(10),
        };
        await using var relay = await TestRelay.StartAsync(options);
        var filler = new string('a', 8 * 1024);
        var statuses = new Dictionary<int, int>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using (var stream = await relay.Target.OpenStreamAsync(cts.Token))
        {
            for (var i = 0; i < 10_000; i++)
            {
                // The attacker's own entry is unique and 8 KiB; the proxy appended the attacker's real address.
                var xff = $"X-Forwarded-For: {filler}{i.ToString(CultureInfo.InvariantCulture)}, 203.0.113.66";
                var status = (await RawHttp.ExchangeAsync(stream, RawHttp.Get("/v1/client", Host, xff), cts.Token)).Status;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }
        }

        Assert.Equal(5, statuses.GetValueOrDefault(400)); // the burst passes the limiter (then fails the header gate)
        Assert.Equal(9_995, statuses.GetValueOrDefault(429));
        Assert.Equal(1, relay.Host.Admission.RateLimiter.BucketCount);
        Assert.All(relay.Logs.Named("rate_limited"), e => Assert.Equal("\"203.0.113.66\"", e["remote"]));

        // The victim behind the same proxy has its own bucket and connects.
        await using var holder = await WsTestClient.ConnectAsync(relay.Target, "/v1/server",
            new Dictionary<string, string>(ClientHeaders.Binary("e2e-victim")) { ["X-Forwarded-For"] = "198.51.100.7" });
        await relay.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "e2e-victim");
    }

    [Fact]
    public async Task Many_distinct_real_sources_are_held_in_a_bounded_table()
    {
        var options = TestRelay.Insecure() with { TrustXForwardedFor = true, RateLimitMaxSources = 500 };
        await using var relay = await TestRelay.StartAsync(options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var stream = await relay.Target.OpenStreamAsync(cts.Token);
        for (var i = 0; i < 3_000; i++)
        {
            var xff = $"X-Forwarded-For: 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}";
            Assert.Equal(400, (await RawHttp.ExchangeAsync(stream, RawHttp.Get("/v1/client", Host, xff), cts.Token)).Status);
            Assert.InRange(relay.Host.Admission.RateLimiter.BucketCount, 1, 500);
        }

        Assert.Equal(500, relay.Host.Admission.RateLimiter.BucketCount);
    }
}
