using System.Globalization;

namespace PyrycodeRelay.Observability.Metrics;

/// <summary>
/// Runtime and process families for a container world (docs/metrics.md#runtime-and-process): CPU, resident memory,
/// open and allowed file descriptors, GC heap, allocations, collections, pause time, thread pool. Read at each scrape
/// from the runtime's own counters (the same sources as the built-in <c>System.Runtime</c> meter), under the relay's
/// prefix (the exposition carries no <c>process_*</c>/<c>dotnet_*</c> families, docs/metrics.md).
/// </summary>
internal static class RuntimeMetrics
{
    private static readonly MetricFamily Cpu = new("pyrycode_relay_cpu_seconds_total", MetricKind.Counter,
        "CPU time used by the relay process (user + system), in seconds.");

    private static readonly MetricFamily Rss = new("pyrycode_relay_resident_memory_bytes", MetricKind.Gauge,
        "Resident set size of the relay process, in bytes.");

    private static readonly MetricFamily OpenFds = new("pyrycode_relay_open_fds", MetricKind.Gauge,
        "Open file descriptors of the relay process (sockets included; Linux only).");

    private static readonly MetricFamily MaxFds = new("pyrycode_relay_max_fds", MetricKind.Gauge,
        "Soft limit on open file descriptors of the relay process (RLIMIT_NOFILE; Linux only).");

    private static readonly MetricFamily Heap = new("pyrycode_relay_gc_heap_bytes", MetricKind.Gauge,
        "Bytes in use on the managed (GC) heap.");

    private static readonly MetricFamily Committed = new("pyrycode_relay_gc_committed_bytes", MetricKind.Gauge,
        "Memory committed for the managed heap at the last garbage collection, in bytes (0 before the first).");

    private static readonly MetricFamily Allocated = new("pyrycode_relay_allocated_bytes_total", MetricKind.Counter,
        "Bytes allocated on the managed heap since the process started.");

    private static readonly MetricFamily Collections = new("pyrycode_relay_gc_collections_total", MetricKind.Counter,
        "Garbage collections since the process started, by generation.", [new MetricLabel("generation", ["gen0", "gen1", "gen2"])]);

    private static readonly MetricFamily Pause = new("pyrycode_relay_gc_pause_seconds_total", MetricKind.Counter,
        "Time the process was paused by garbage collections, in seconds.");

    private static readonly MetricFamily QueueLength = new("pyrycode_relay_threadpool_queue_length", MetricKind.Gauge,
        "Work items queued to the thread pool and not yet started.");

    private static readonly MetricFamily Threads = new("pyrycode_relay_threadpool_threads", MetricKind.Gauge,
        "Thread pool threads that currently exist.");

    /// <summary>The family names, in rendering order (the Linux-only ones are absent elsewhere).</summary>
    public static IReadOnlyList<string> FamilyNames { get; } =
        [.. new[] { Cpu, Rss, OpenFds, MaxFds, Heap, Committed, Allocated, Collections, Pause, QueueLength, Threads }.Select(f => f.Name)];

    /// <summary>Appends every family with its current value.</summary>
    public static void Render(PrometheusTextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Single(writer, Cpu, Environment.CpuUsage.TotalTime.TotalSeconds);
        Single(writer, Rss, Environment.WorkingSet);
        if (OperatingSystem.IsLinux())
        {
            Single(writer, OpenFds, CountOpenFds());
            Single(writer, MaxFds, SoftFdLimit());
        }

        var gc = GC.GetGCMemoryInfo();
        Single(writer, Heap, GC.GetTotalMemory(forceFullCollection: false));
        Single(writer, Committed, gc.TotalCommittedBytes);
        Single(writer, Allocated, GC.GetTotalAllocatedBytes(precise: false));
        writer.WriteHeader(Collections);
        for (var generation = 0; generation < 3; generation++)
        {
            writer.WriteSample(Collections, "", generation, null, (long)GC.CollectionCount(generation));
        }

        Single(writer, Pause, GC.GetTotalPauseDuration().TotalSeconds);
        Single(writer, QueueLength, ThreadPool.PendingWorkItemCount);
        Single(writer, Threads, ThreadPool.ThreadCount);
    }

    private static void Single(PrometheusTextWriter writer, MetricFamily family, long value)
    {
        writer.WriteHeader(family);
        writer.WriteSample(family, "", 0, null, Math.Max(0, value));
    }

    private static void Single(PrometheusTextWriter writer, MetricFamily family, double value)
    {
        writer.WriteHeader(family);
        writer.WriteSample(family, "", 0, null, Math.Max(0, value));
    }

    /// <summary>Entries of <c>/proc/self/fd</c>, less the one the listing itself holds open.</summary>
    private static long CountOpenFds()
    {
        try
        {
            return Math.Max(0, Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount() - 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The soft limit of <c>Max open files</c> in <c>/proc/self/limits</c> (0 when unreadable or unlimited).</summary>
    private static long SoftFdLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : 0;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
