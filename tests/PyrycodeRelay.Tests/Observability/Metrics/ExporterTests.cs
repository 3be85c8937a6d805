using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Observability.Metrics;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>The exporter in isolation: number text, bucket placement, closed label sets, scoping, lifetime.</summary>
public sealed class ExporterTests
{
    [Theory]
    [InlineData(0.00005, "5e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00025, "0.00025")]
    [InlineData(0.5, "0.5")]
    [InlineData(1, "1")]
    [InlineData(2.5, "2.5")]
    [InlineData(10, "10")]
    [InlineData(123456, "123456")]
    [InlineData(1e6, "1e+06")]
    [InlineData(1234567, "1.234567e+06")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1e21, "1e+21")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(0, "0")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void FloatText_IsGoFormatFloatG(double value, string text) => Assert.Equal(text, PrometheusTextWriter.FormatFloat(value));

    [Fact]
    public void Histogram_BoundsAreInclusive_SumAndCountExact()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = NewMetrics(services);
        metrics.Forwarded(Direction.PhoneToBinary, 10, TimeSpan.FromTicks(500));       // exactly 0.00005 s → le="5e-05"
        metrics.Forwarded(Direction.PhoneToBinary, 10, TimeSpan.FromTicks(501));       // just above → le="0.0001"
        metrics.Forwarded(Direction.PhoneToBinary, 10, TimeSpan.FromSeconds(0.25));    // le="0.25"
        metrics.Forwarded(Direction.PhoneToBinary, 10, TimeSpan.FromSeconds(11));      // only +Inf

        var scrape = Exposition.Parse(metrics.Exporter.Collect());
        SpecCatalogue.AssertConforms(scrape);
        double Bucket(string le) => scrape.Value("pyrycode_relay_forward_latency_seconds", "_bucket", ("direction", "phone_to_binary"), ("le", le));
        Assert.Equal(1, Bucket("5e-05"));
        Assert.Equal(2, Bucket("0.0001"));
        Assert.Equal(2, Bucket("0.1"));
        Assert.Equal(3, Bucket("0.25"));
        Assert.Equal(3, Bucket("10"));
        Assert.Equal(4, Bucket("+Inf"));
        Assert.Equal(4, scrape.Value("pyrycode_relay_forward_latency_seconds", "_count", ("direction", "phone_to_binary")));
        Assert.Equal(0.00005 + 0.0000501 + 0.25 + 11, scrape.Value("pyrycode_relay_forward_latency_seconds", "_sum", ("direction", "phone_to_binary")), 12);
        Assert.Equal(0, scrape.Value("pyrycode_relay_forward_latency_seconds", "_count", ("direction", "binary_to_phone")));
        Assert.Equal(4, scrape.Series("pyrycode_relay_frames_forwarded_total", ("direction", "phone_to_binary")));
        Assert.Equal(40, scrape.Series("pyrycode_relay_bytes_forwarded_total", ("direction", "phone_to_binary")));
    }

    [Fact]
    public void EveryRecordingMethod_LandsInItsSeries()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = NewMetrics(services);
        foreach (var outcome in Enum.GetValues<UpgradeOutcome>())
        {
            metrics.Upgrade(RelayEndpoint.Client, outcome);
        }

        foreach (var reason in Enum.GetValues<DropReason>())
        {
            metrics.Dropped(Labels.DirectionOf(reason), reason);
        }

        foreach (var cause in Enum.GetValues<CloseCause>())
        {
            metrics.Closed(RelayEndpoint.Server, cause);
        }

        metrics.GraceExpired();
        var scrape = Exposition.Parse(metrics.Exporter.Collect());
        SpecCatalogue.AssertConforms(scrape);
        Assert.All(scrape["pyrycode_relay_ws_upgrade_attempts_total"].Samples, s => Assert.Equal(s.Labels["endpoint"] == "client" ? 1 : 0, s.Value));
        Assert.All(scrape["pyrycode_relay_register_failures_total"].Samples, s => Assert.Equal(1, s.Value));
        Assert.All(scrape["pyrycode_relay_frames_dropped_total"].Samples, s => Assert.Equal(1, s.Value));
        Assert.All(scrape["pyrycode_relay_connection_closes_total"].Samples, s => Assert.Equal(s.Labels["endpoint"] == "server" ? 1 : 0, s.Value));
        Assert.Equal(1, scrape.Series("pyrycode_relay_grace_expiries_total"));
        Assert.Equal(0, metrics.Exporter.RejectedMeasurements);
    }

    [Fact]
    public void TagsOutsideTheClosedSets_AreRejected_NeverRendered()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = NewMetrics(services);
        var rogue = metrics.Meter.CreateCounter<long>("pyrycode_relay_frames_dropped_total", description: "rogue test instrument");
        rogue.Add(1, new("direction", "binary_to_phone"), new("reason", "srv-m-secret"));             // value outside the set
        rogue.Add(1, new("direction", "phone_to_binary"), new("reason", "unknown_conn_id"));          // not a series
        rogue.Add(1, new KeyValuePair<string, object?>("direction", "binary_to_phone"));               // label missing
        rogue.Add(1, new("direction", "binary_to_phone"), new("reason", "unknown_conn_id"), new("server_id", "s1")); // extra label
        rogue.Add(1, new("direction", "binary_to_phone"), new("direction", "binary_to_phone"));        // repeated label
        rogue.Add(1, new("direction", "binary_to_phone"), new("reason", "unknown_conn_id"));          // fine: counts

        var scrape = Exposition.Parse(metrics.Exporter.Collect());
        Assert.Equal(5, metrics.Exporter.RejectedMeasurements);
        Assert.Equal(new Dictionary<string, double> { ["direction=binary_to_phone,reason=unknown_conn_id"] = 1 }, scrape.NonZero("pyrycode_relay_frames_dropped_total"));
        Assert.DoesNotContain("srv-m-secret", scrape.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("server_id", scrape.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Exporters_AreScopedToTheirMeterFactory()
    {
        using var one = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var two = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var a = NewMetrics(one);
        var b = NewMetrics(two);
        Assert.NotSame(a.Exporter, b.Exporter);
        Assert.Same(a.Exporter, RelayMetricsExporter.Find(one.GetRequiredService<IMeterFactory>()));
        using var unscoped = new Meter(RelayMetrics.MeterName);
        unscoped.CreateCounter<long>("pyrycode_relay_grace_expiries_total").Add(7);

        a.GraceExpired();
        Assert.Equal(1, Exposition.Parse(a.Exporter.Collect()).Series("pyrycode_relay_grace_expiries_total"));
        Assert.Equal(0, Exposition.Parse(b.Exporter.Collect()).Series("pyrycode_relay_grace_expiries_total"));
    }

    [Fact]
    public async Task Exporter_ReleasesItsListener_WhenTheFactoryIsDisposed()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var metrics = NewMetrics(services);
        Assert.NotNull(RelayMetricsExporter.Find(factory));
        await services.DisposeAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (RelayMetricsExporter.Find(factory) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the exporter did not dispose itself");
            await Task.Delay(10);
        }

        Assert.Throws<ObjectDisposedException>(() => metrics.Exporter.Collect());
    }

    [Fact]
    public void GaugeCallbacks_AreReadAtEachCollect()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new RelayMetrics(services.GetRequiredService<IMeterFactory>());
        long outbox = 0;
        metrics.ObserveGauges(() => 2, () => 5, () => Interlocked.Read(ref outbox));
        var first = Exposition.Parse(metrics.Exporter.Collect());
        Interlocked.Exchange(ref outbox, 1234);
        var second = Exposition.Parse(metrics.Exporter.Collect());
        Assert.Equal((2, 5, 0), ((int)first.Series("pyrycode_relay_connected_binaries"), (int)first.Series("pyrycode_relay_connected_phones"), (int)first.Series("pyrycode_relay_outbox_queued_bytes")));
        Assert.Equal(1234, second.Series("pyrycode_relay_outbox_queued_bytes"));
    }

    private static RelayMetrics NewMetrics(ServiceProvider services)
    {
        var metrics = new RelayMetrics(services.GetRequiredService<IMeterFactory>());
        metrics.ObserveGauges(() => 0, () => 0, () => 0);
        return metrics;
    }
}
