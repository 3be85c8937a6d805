using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>
/// Runtime and process families on /metrics of the real relay process (docs/metrics.md#runtime-and-process): the
/// values are the process's own (checked against /proc), they move with load, and the scrape still conforms.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class RuntimeMetricsProcessTests
{
    [Fact]
    public async Task Cpu_memory_fds_gc_and_thread_pool_are_reported_and_follow_the_process()
    {
        await using var relay = await LiveRelay.StartAsync();
        var before = await MetricsScrape.ScrapeAsync(relay.MetricsPort);
        SpecCatalogue.AssertConforms(before);
        Assert.Equal(SpecCatalogue.Always.Order(StringComparer.Ordinal), before.FamilyNames.Order(StringComparer.Ordinal));

        var fdsInProc = Directory.GetFileSystemEntries($"/proc/{relay.Process.Pid}/fd").Length;
        var openBefore = before.Series("pyrycode_relay_open_fds");
        Assert.InRange(openBefore, 10, fdsInProc + 20); // listeners, runtime handles, the scrape's own socket
        var limit = File.ReadLines($"/proc/{relay.Process.Pid}/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        Assert.Equal(double.Parse(limit, System.Globalization.CultureInfo.InvariantCulture), before.Series("pyrycode_relay_max_fds"));
        var rssKb = File.ReadLines($"/proc/{relay.Process.Pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var rss = before.Series("pyrycode_relay_resident_memory_bytes");
        Assert.InRange(rss, 10e6, 4 * 1024 * double.Parse(rssKb, System.Globalization.CultureInfo.InvariantCulture)); // same order as VmRSS
        Assert.True(before.Series("pyrycode_relay_cpu_seconds_total") > 0);
        Assert.True(before.Series("pyrycode_relay_gc_heap_bytes") > 0);
        Assert.True(before.Series("pyrycode_relay_gc_committed_bytes") >= 0); // 0 until the first collection
        Assert.True(before.Series("pyrycode_relay_threadpool_threads") >= 1);
        Assert.True(before.Series("pyrycode_relay_threadpool_queue_length") >= 0);
        Assert.Equal(3, before["pyrycode_relay_gc_collections_total"].Samples.Count);

        // Ten open connections hold ten more descriptors; traffic allocates.
        await using var binary = await relay.ConnectHolderAsync();
        var phones = new List<WsTestClient>();
        for (var i = 0; i < 9; i++)
        {
            phones.Add((await relay.ConnectRegisteredPhoneAsync()).Client);
        }

        var payload = new string('x', 50_000);
        foreach (var phone in phones)
        {
            await phone.SendTextAsync($"\"{payload}\"");
            await binary.ReceiveTextAsync();
        }

        var after = await MetricsScrape.ScrapeAsync(relay.MetricsPort);
        Assert.True(after.Series("pyrycode_relay_open_fds") >= openBefore + 10, $"open fds {openBefore} → {after.Series("pyrycode_relay_open_fds")}");
        Assert.True(after.Series("pyrycode_relay_allocated_bytes_total") > before.Series("pyrycode_relay_allocated_bytes_total"));
        Assert.True(after.Series("pyrycode_relay_cpu_seconds_total") >= before.Series("pyrycode_relay_cpu_seconds_total"));
        SpecCatalogue.AssertConforms(after);
        foreach (var phone in phones)
        {
            await phone.DisposeAsync();
        }

        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }
}
