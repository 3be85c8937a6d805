using System.Text;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Issue 13 finding 12: the public /healthz carries no user counts; a direct loopback peer and <c>--healthz-counts</c>
/// get the Go relay's document; the metrics listener has the counts as gauges.
/// </summary>
public sealed class PublicHealthTests
{
    private const string Host = "127.0.0.1";

    [Fact]
    public async Task A_forwarded_request_gets_no_counts_a_direct_loopback_one_does_and_metrics_have_them()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure());
        await using var b = await relay.ConnectHolderAsync("e2e-health");

        var forwarded = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", Host, "X-Forwarded-For: 203.0.113.9"));
        Assert.Equal(200, forwarded.Status);
        Assert.Matches(new Regex("""^\{"status":"ok","version":"[^"]+","commit":"[^"]+","uptime_seconds":\d+\}$"""), Encoding.UTF8.GetString(forwarded.Body));

        Assert.Equal((1, 0), await Health.CountsAsync(relay)); // direct loopback: the Go document
        await relay.ExpectMetricsAsync(new() { ["pyrycode_relay_connected_binaries"] = new() { [""] = 1 } });
    }

    [Fact]
    public async Task The_flag_shows_the_counts_to_everyone()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { HealthzCounts = true });
        await using var b = await relay.ConnectHolderAsync("e2e-health");
        var forwarded = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", Host, "X-Forwarded-For: 203.0.113.9"));
        Assert.Matches(new Regex("""^\{"status":"ok","version":"[^"]+","commit":"[^"]+","connected_binaries":1,"connected_phones":0,"uptime_seconds":\d+\}$"""),
            Encoding.UTF8.GetString(forwarded.Body));
    }
}
