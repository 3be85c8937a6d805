using System.Diagnostics.Metrics;
using System.Net;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>Scenarios 96 and 101 (docs/metrics.md); docs/operations.md#metrics-listener, docs/metrics.md#endpoint, docs/metrics.md#catalogue: the listener, the exposition, the catalogue.</summary>
public sealed class ExpositionTests
{
    [Fact]
    public async Task Scenario96_FreshRelay_EveryCatalogueSeriesAtZero()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        var (response, body) = await MetricsScrape.SendAsync(relay.Host.MetricsPort);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        }

        var scrape = await relay.ScrapeAsync();
        Assert.Equal(SpecCatalogue.Always.Order(StringComparer.Ordinal), scrape.FamilyNames.Order(StringComparer.Ordinal));
        Assert.Equal(12, scrape["pyrycode_relay_ws_upgrade_attempts_total"].Samples.Count);
        Assert.Equal(4, scrape["pyrycode_relay_register_failures_total"].Samples.Count);
        Assert.Equal(2, scrape["pyrycode_relay_frames_forwarded_total"].Samples.Count);
        Assert.Equal(2, scrape["pyrycode_relay_bytes_forwarded_total"].Samples.Count);
        Assert.Equal(2 * (18 + 2), scrape["pyrycode_relay_forward_latency_seconds"].Samples.Count);
        Assert.Single(scrape["pyrycode_relay_grace_expiries_total"].Samples);
        Assert.Single(scrape["pyrycode_relay_outbox_queued_bytes"].Samples);
        Assert.Equal(8, scrape["pyrycode_relay_frames_dropped_total"].Samples.Count);
        Assert.Equal(30, scrape["pyrycode_relay_connection_closes_total"].Samples.Count);
        Assert.All(scrape.Families.SelectMany(f => f.Samples), s => Assert.Equal(0, s.Value));
        Assert.DoesNotContain("process_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("microsoft_", body, StringComparison.Ordinal);

        // The literal line shapes (label order as in the catalogue, Go float text for le).
        Assert.Contains("\npyrycode_relay_ws_upgrade_attempts_total{endpoint=\"server\",outcome=\"accept\"} 0\n", body, StringComparison.Ordinal);
        Assert.Contains("\npyrycode_relay_forward_latency_seconds_bucket{direction=\"phone_to_binary\",le=\"5e-05\"} 0\n", body, StringComparison.Ordinal);
        Assert.Contains("\npyrycode_relay_forward_latency_seconds_sum{direction=\"binary_to_phone\"} 0\n", body, StringComparison.Ordinal);
        Assert.StartsWith("# HELP pyrycode_relay_connected_binaries Number of pyrycode binary connections currently held by the relay registry.\n"
            + "# TYPE pyrycode_relay_connected_binaries gauge\npyrycode_relay_connected_binaries 0\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/other")]
    [InlineData("/")]
    [InlineData("/metrics/")]
    [InlineData("/Metrics")]
    [InlineData("/healthz")]
    [InlineData("/v1/server")]
    public async Task Scenario101_OtherPaths_404(string path)
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        var (response, body) = await MetricsScrape.SendAsync(relay.Host.MetricsPort, path);
        using (response)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("404 page not found\n", body);
            Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        }
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task AnyMethod_ServesTheExposition(string method)
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        var (response, body) = await MetricsScrape.SendAsync(relay.Host.MetricsPort, "/metrics", new HttpMethod(method));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        }

        Assert.Equal(SpecCatalogue.Always.Order(StringComparer.Ordinal), Exposition.Parse(body).FamilyNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Head_200_NoBody()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        var (response, body) = await MetricsScrape.SendAsync(relay.Host.MetricsPort, "/metrics", HttpMethod.Head);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            Assert.Equal("", body);
        }

        await relay.ScrapeAsync(); // the listener is still fine afterwards
    }

    [Fact]
    public async Task MetricsRoute_NotOnTheRelayListener()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        using var response = await relay.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CollectionFailure_500()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await relay.ScrapeAsync();

        // A second gauge feeding a catalogue family whose callback fails: the whole collection fails.
        Func<long> failing = () => throw new InvalidOperationException("gauge callback failed");
        relay.Host.Meter.CreateObservableGauge("pyrycode_relay_outbox_queued_bytes", failing, description: "failing test gauge");
        var (response, body) = await MetricsScrape.SendAsync(relay.Host.MetricsPort);
        using (response)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.DoesNotContain("pyrycode_relay", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ForeignInstruments_NeverRendered()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);

        // Same meter, a name outside the catalogue; another meter name from the same factory; a wrong instrument type.
        relay.Host.Meter.CreateCounter<long>("pyrycode_relay_not_in_catalogue_total").Add(5);
        var factory = (IMeterFactory)relay.Host.Meter.Scope!;
        factory.Create("Microsoft.AspNetCore.Hosting").CreateCounter<long>("microsoft_aspnetcore_requests").Add(1);
        relay.Host.Meter.CreateCounter<double>("pyrycode_relay_grace_expiries_total", description: "wrong type").Add(3);

        var scrape = await relay.ScrapeAsync();
        Assert.Equal(SpecCatalogue.Always.Order(StringComparer.Ordinal), scrape.FamilyNames.Order(StringComparer.Ordinal));
        Assert.Equal(0, scrape.Series("pyrycode_relay_grace_expiries_total"));
    }
}
