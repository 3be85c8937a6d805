using System.Diagnostics;
using System.Globalization;

namespace PyrycodeRelay.Soak;

/// <summary>
/// Optional GC view of the relay through <c>dotnet-counters collect</c> (System.Runtime EventCounters every
/// 5 s — light, no EventPipe tracing): managed heap size after the last GC (all generations), committed
/// memory and the number of live timers.
/// </summary>
internal sealed class GcCounters
{
    private readonly Process? _process;
    private readonly string _csv;

    private GcCounters(Process? process, string csv)
    {
        _process = process;
        _csv = csv;
    }

    public bool Enabled => _process is not null;

    public static GcCounters Start(int pid, TimeSpan duration, string csv)
    {
        var tool = new[] { Environment.GetEnvironmentVariable("HOME") + "/.dotnet/tools/dotnet-counters", "/usr/local/bin/dotnet-counters" }
            .FirstOrDefault(File.Exists);
        if (tool is null)
        {
            Console.WriteLine("dotnet-counters not found (dotnet tool install --global dotnet-counters): GC heap not sampled");
            return new GcCounters(null, csv);
        }

        File.Delete(csv);
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "collect", "--process-id", pid.ToString(CultureInfo.InvariantCulture), "--counters", "System.Runtime",
            "--refresh-interval", "5", "--format", "csv", "-o", csv,
            "--duration", duration.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new GcCounters(process, csv);
    }

    /// <summary>Waits for the collection to end (its duration, or the relay's exit) and parses the CSV.</summary>
    public async Task<List<(DateTime At, double HeapMiB, double CommittedMiB, double Timers)>> FinishAsync(TimeSpan timeout)
    {
        var result = new List<(DateTime, double, double, double)>();
        if (_process is null)
        {
            return result;
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        if (!File.Exists(_csv))
        {
            return result;
        }

        var rows = new SortedDictionary<DateTime, (double Heap, double Committed, double Timers)>();
        foreach (var line in File.ReadLines(_csv).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 5 || !DateTime.TryParse(f[0], CultureInfo.InvariantCulture, out var at) || !double.TryParse(f[4], CultureInfo.InvariantCulture, out var v))
            {
                continue;
            }

            rows.TryGetValue(at, out var r);
            if (f[2].StartsWith("dotnet.gc.last_collection.heap.size", StringComparison.Ordinal))
            {
                r.Heap += v / (1024 * 1024);
            }
            else if (f[2].StartsWith("dotnet.gc.last_collection.memory.committed_size", StringComparison.Ordinal))
            {
                r.Committed = v / (1024 * 1024);
            }
            else if (f[2].StartsWith("dotnet.timer.count", StringComparison.Ordinal))
            {
                r.Timers = v;
            }

            rows[at] = r;
        }

        foreach (var (at, r) in rows)
        {
            if (r.Heap > 0)
            {
                result.Add((at, r.Heap, r.Committed, r.Timers));
            }
        }

        _process.Dispose();
        return result;
    }
}
