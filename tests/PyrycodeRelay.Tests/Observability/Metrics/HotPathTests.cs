using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Observability.Metrics;
using Xunit.Abstractions;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>
/// The per-frame recording cost with the exporter attached: asserted allocation-free; the time per call is
/// written to the test output for information (the benchmark numbers are in docs/metrics.md).
/// </summary>
public sealed class HotPathTests(ITestOutputHelper output)
{
    private const int Calls = 200_000;

    [Fact]
    public void RecordingWithTheExporterAttached_AllocatesNothing()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new RelayMetrics(services.GetRequiredService<IMeterFactory>());
        metrics.ObserveGauges(() => 0, () => 0, () => 0);
        RecordAll(metrics, 10_000); // warm up (tiered JIT)

        var bytes = GC.GetAllocatedBytesForCurrentThread();
        RecordAll(metrics, Calls);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - bytes);

        var scrape = Exposition.Parse(metrics.Exporter.Collect());
        Assert.Equal(Calls + 10_000, scrape.Series("pyrycode_relay_frames_forwarded_total", ("direction", "phone_to_binary")));
        Assert.Equal(0, metrics.Exporter.RejectedMeasurements);
    }

    [Fact]
    public void ForwardedCostPerCall_OnAndOff_Reported()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new RelayMetrics(services.GetRequiredService<IMeterFactory>());
        var on = NanosecondsPerForward(metrics);
        metrics.Exporter.Dispose(); // no listener left: the instruments are disabled
        var off = NanosecondsPerForward(metrics);
        output.WriteLine($"RelayMetrics.Forwarded: exporter attached {on:F1} ns/op, no listener {off:F1} ns/op");
        Assert.True(on > 0 && off > 0);
    }

    private static double NanosecondsPerForward(RelayMetrics metrics)
    {
        for (var i = 0; i < 50_000; i++)
        {
            metrics.Forwarded(Direction.PhoneToBinary, 512, TimeSpan.FromTicks(1234));
        }

        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < Calls; i++)
            {
                metrics.Forwarded(Direction.PhoneToBinary, 512, TimeSpan.FromTicks(1234));
            }

            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / Calls);
        }

        return best;
    }

    private static void RecordAll(RelayMetrics metrics, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            metrics.Forwarded(Direction.PhoneToBinary, 512, TimeSpan.FromTicks(1234));
            metrics.Forwarded(Direction.BinaryToPhone, 64, TimeSpan.FromTicks(99));
            metrics.Dropped(Direction.BinaryToPhone, DropReason.UnknownConnId);
            metrics.Upgrade(RelayEndpoint.Client, UpgradeOutcome.Reject404);
            metrics.Closed(RelayEndpoint.Client, CloseCause.PeerGone);
        }
    }
}
