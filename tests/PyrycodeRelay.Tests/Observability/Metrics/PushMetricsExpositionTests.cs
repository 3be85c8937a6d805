using System.Diagnostics.Metrics;
using PyrycodeRelay.Push;
using PyrycodeRelay.Tests.Configuration;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>Scenario 95 (metrics part, docs/metrics.md), docs/operations.md#push-metrics: push_wakes_total only when push is on.</summary>
public sealed class PushMetricsExpositionTests
{
    [Fact]
    public async Task Scenario95_PushOn_FiveSeriesAtZero_ThenCountsWakesFromRealEnvelopes()
    {
        var push = new DeferredPush();
        await using var relay = await TestRelay.StartAsync(push: push, metrics: true);
        Assert.False((await relay.ScrapeAsync()).Has("pyrycode_relay_push_wakes_total"));

        // Push on, sharing the host's meter factory (as boot must wire it).
        await using var stub = await FcmStub.StartAsync();
        var options = DefaultOptions.Push with { ProjectId = "test-proj", BaseUrl = stub.BaseUrl, TokenUrl = stub.TokenUrl };
        var service = (PushWakeService)PushWakeService.Create(TestKeys.Json(), options, (IMeterFactory)relay.Host.Meter.Scope!, relay.Logs, TimeProvider.System);
        await using var _ = service;
        push.Inner = service;

        var scrape = await relay.ScrapeAsync();
        Assert.Equal(SpecCatalogue.PushOutcomes.Select(o => $"outcome={o}").Order(StringComparer.Ordinal),
            scrape["pyrycode_relay_push_wakes_total"].Samples.Select(s => s.LabelText).Order(StringComparer.Ordinal));
        Assert.All(scrape["pyrycode_relay_push_wakes_total"].Samples, s => Assert.Equal(0, s.Value));

        // Seven wakes from a binary: the per-server-id bucket (burst 6) admits six, the seventh is dropped.
        await using var b = await relay.ConnectHolderAsync("srv-m95");
        for (var i = 0; i < 7; i++)
        {
            await b.SendTextAsync("{\"push_wake\":{\"platform\":\"fcm\",\"token\":\"device-token-secret-" + i + "\"}}");
        }

        await relay.ExpectMetricsAsync(new()
        {
            ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=sent"] = 6, ["outcome=dropped"] = 1 },
            ["pyrycode_relay_frames_dropped_total"] = [],
            ["pyrycode_relay_frames_forwarded_total"] = [],
        });
        Assert.Equal(6, stub.SendRequests.Count);
    }

    /// <summary>Lets the test build the push sender after the host (whose meter factory it needs) has started.</summary>
    private sealed class DeferredPush : IPushWakeHandler
    {
        public IPushWakeHandler Inner { get; set; } = new PushOff();

        public string? TryAdmit(string serverId, ReadOnlySpan<byte> pushWakeJson) => Inner.TryAdmit(serverId, pushWakeJson);
    }
}
