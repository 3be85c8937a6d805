using System.Globalization;
using System.Text.Json;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>Scenario (c): idle memory per connection, each target in a fresh process.</summary>
internal sealed partial class RunContext
{
    private const int ConnectionsPerWorker = 4000;

    public void RunIdle(List<IdleRow> rows)
    {
        foreach (var target in TargetNames)
        {
            Runner.Log($"idle memory: {target}");
            var workers = new List<ChildProcess>();
            try
            {
                StartEcho();
                int[] pids;
                if (target == "nginx")
                {
                    StartNginx();
                    pids = _nginxPids;
                }
                else if (IsRelay(target))
                {
                    pids = [Relay(target).Process.Pid];
                }
                else
                {
                    pids = [_echo!.Pid];
                }

                // Warm-up: JIT, pools and thread pool see a few hundred connections come and go first.
                using (var warm = StartIdle(target, 400, 200))
                {
                    warm.WaitLine("READY", TimeSpan.FromSeconds(60));
                    warm.WriteLine("stop");
                    warm.WaitExit(TimeSpan.FromSeconds(20));
                }

                Thread.Sleep(3000);
                rows.Add(Measure(target, 0, pids));
                var held = 0;
                var address = 10;
                foreach (var level in settings.IdleLevels)
                {
                    while (held < level)
                    {
                        var chunk = Math.Min(ConnectionsPerWorker, level - held);
                        var w = StartIdle(target, chunk, address);
                        address += 2;
                        workers.Add(w);
                        w.WaitLine("READY", TimeSpan.FromSeconds(180));
                        held += chunk;
                    }

                    Thread.Sleep(3000);
                    rows.Add(Measure(target, level, pids));
                }
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                Runner.Log($"idle {target}: {ex.Message}");
                rows.Add(new IdleRow(target, -1, 0, 0, 0, 0, ProcStats.LoadAverage(), ex.Message));
            }
            finally
            {
                foreach (var w in workers)
                {
                    w.WriteLine("stop");
                }

                foreach (var w in workers)
                {
                    w.WaitExit(TimeSpan.FromSeconds(30));
                    w.Dispose();
                }

                StopAll();
                Thread.Sleep(1000);
            }
        }
    }

    private ChildProcess StartIdle(string target, int connections, int address)
    {
        var url = target switch
        {
            _ when IsRelay(target) => $"ws://127.0.0.1:{Relay(target).Port}/",
            "nginx" => $"ws://127.0.0.1:{_nginxPort}/",
            _ => $"ws://127.0.0.1:{_echoPort}/",
        };
        var locals = $"127.0.0.{address},127.0.0.{address + 1}";
        return IsRelay(target)
            ? StartWorker("idle", ["--url", url, "--kind", "relay", "--tag", NextTag(), "--pairs", $"{connections / 2}", "--local", locals], "idle.err.log")
            : StartWorker("idle", ["--url", url, "--kind", "echo", "--count", $"{connections}", "--local", locals], "idle.err.log");
    }

    private IdleRow Measure(string target, int connections, int[] pids)
    {
        var rss = pids.Sum(p => ProcStats.Kb(p, "VmRSS"));
        var pss = pids.Sum(p => ProcStats.Kb(p, "Pss", "smaps_rollup"));
        double gcHeap = 0, gcDump = 0, frag = 0;
        if (target != "nginx")
        {
            (gcDump, gcHeap, frag) = GcHeap(pids[0]);
        }

        var row = new IdleRow(target, connections, rss, pss, gcHeap, gcDump, ProcStats.LoadAverage(), null, frag);
        Runner.Log($"idle {target,-6} {connections,6} conns: RSS {rss / 1024.0:F1} MiB PSS {pss / 1024.0:F1} MiB live objects {gcDump / 1048576:F2} MiB (heap after GC {gcHeap / 1048576:F2} MiB, of which free {frag / 1048576:F2} MiB)");
        return row;
    }

    /// <summary>
    /// Live managed heap: dotnet-gcdump forces a full blocking GC (and reports the heap it walked); the
    /// runtime's own <c>dotnet.gc.last_collection.heap.size</c> (summed over generations) then reads the
    /// heap left by that collection.
    /// </summary>
    private (double GcDump, double AfterGc, double Fragmentation) GcHeap(int pid)
    {
        var dump = Path.Combine(outDir, $"heap-{pid}.gcdump");
        var bench = Path.Combine(root, "bench");
        Runner.Capture("dotnet", $"tool run dotnet-gcdump collect -p {pid} -o {dump}", bench);
        double gcdump = 0;
        foreach (var line in Runner.Capture("dotnet", $"tool run dotnet-gcdump report {dump}", bench).Split('\n'))
        {
            if (line.Contains("GC Heap bytes", StringComparison.Ordinal))
            {
                gcdump = double.Parse(line.Trim().Split(' ')[0].Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
                break;
            }
        }

        File.Delete(dump);
        var json = Path.Combine(outDir, $"counters-{pid}.json");
        File.Delete(json);
        Runner.Capture("dotnet", $"tool run dotnet-counters collect -p {pid} --counters System.Runtime --format json -o {json} --duration 00:00:00:03 --refresh-interval 1", bench);
        double after = 0, fragmentation = 0;
        if (File.Exists(json))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(json));
                var last = new Dictionary<string, double>(StringComparer.Ordinal);
                var frag = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var e in doc.RootElement.GetProperty("Events").EnumerateArray())
                {
                    var name = e.GetProperty("name").GetString()!;
                    if (name.StartsWith("dotnet.gc.last_collection.heap.size", StringComparison.Ordinal))
                    {
                        last[e.GetProperty("tags").GetString()!] = e.GetProperty("value").GetDouble();
                    }
                    else if (name.StartsWith("dotnet.gc.last_collection.heap.fragmentation.size", StringComparison.Ordinal))
                    {
                        frag[e.GetProperty("tags").GetString()!] = e.GetProperty("value").GetDouble();
                    }
                }

                after = last.Values.Sum();
                fragmentation = frag.Values.Sum();
            }
            catch (JsonException)
            {
                // dotnet-counters may leave the file unterminated when the duration ends mid-write
            }

            File.Delete(json);
        }

        return (gcdump, after, fragmentation);
    }
}
