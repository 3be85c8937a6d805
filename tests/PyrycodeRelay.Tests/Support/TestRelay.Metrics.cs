using PyrycodeRelay.Tests.Observability.Metrics;

namespace PyrycodeRelay.Tests.Support;

/// <summary>The metrics listener of a <see cref="TestRelay"/> (started with metrics), scraped over real HTTP.</summary>
internal sealed partial class TestRelay
{
    /// <summary>Scrapes /metrics (see <see cref="MetricsScrape.ScrapeAsync"/>).</summary>
    internal Task<Exposition> ScrapeAsync() => MetricsScrape.ScrapeAsync(Host.MetricsPort);

    /// <summary>Scrapes until <paramref name="condition"/> holds (see <see cref="MetricsScrape.WaitForAsync"/>).</summary>
    internal Task<Exposition> WaitForMetricsAsync(Func<Exposition, bool> condition, string what) => MetricsScrape.WaitForAsync(Host.MetricsPort, condition, what);

    /// <summary>
    /// Waits until every listed family has exactly the listed non-zero series (see <see cref="MetricsScrape.ExpectAsync(IReadOnlyList{int}, Dictionary{string, Dictionary{string, double}})"/>);
    /// cross-node, each series summed over both nodes' scrapes.
    /// </summary>
    internal Task<Exposition> ExpectMetricsAsync(Dictionary<string, Dictionary<string, double>> expected) =>
        MetricsScrape.ExpectAsync(PhoneHost is null ? [Host.MetricsPort] : [Host.MetricsPort, PhoneHost.MetricsPort], expected);
}
