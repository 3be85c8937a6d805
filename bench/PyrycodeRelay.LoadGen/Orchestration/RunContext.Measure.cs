using System.Globalization;
using System.Text.Json;
using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>One load measurement: start the binaries (relay), run the phones worker, sample CPU and context switches.</summary>
internal sealed partial class RunContext
{
    /// <summary>
    /// One measurement: closed loop with <paramref name="window"/> frames in flight per phone (0 = <c>--window</c>)
    /// when <paramref name="rate"/> is 0, else open loop at <paramref name="rate"/> round trips per second.
    /// </summary>
    private LoadRow RunOne(string scenario, string target, int size, int phones, int binaries, int phonesPer, int pct, double rate,
        int window = 0, bool tls = false, int rep = 0)
    {
        window = window > 0 ? window : settings.Window;
        var tag = NextTag();
        ChildProcess? bins = null;
        try
        {
            if (IsRelay(target))
            {
                bins = StartWorker("binaries", ["--url", BinaryUrl(target, tls), "--tag", tag, "--binaries", $"{binaries}"], "binaries.err.log");
                bins.WaitLine("READY", TimeSpan.FromSeconds(60));
                WaitRelay(target, tls, h => h.Binaries >= binaries, $"{binaries} binaries");
            }

            int[] targetPids = IsRelay(target) ? [Relay(target, tls).Process.Pid] : target == "nginx" ? _nginxPids : [];
            int[] peerPids = IsRelay(target) ? [bins!.Pid] : [_echo!.Pid];
            List<string> args =
            [
                "--url", PhoneUrl(target, tls), "--tag", tag, "--binaries", $"{binaries}", "--phones-per", $"{phonesPer}", "--size", $"{size}",
                "--warmup", settings.WarmupSeconds.ToString(CultureInfo.InvariantCulture),
                "--duration", settings.DurationSeconds.ToString(CultureInfo.InvariantCulture),
            ];
            args.AddRange(rate > 0 ? ["--rate", rate.ToString("F0", CultureInfo.InvariantCulture)] : ["--window", $"{window}"]);
            var load1 = ProcStats.LoadAverage();
            using var phonesWorker = StartWorker("phones", args, "phones.err.log");
            double[] start = [], end = [];
            int[] genPids = [phonesWorker.Pid];
            PerfStat? perf = null;
            Dictionary<string, double>? perfCounts = null;
            phonesWorker.Watch(line =>
            {
                if (line == "MEASURE_START")
                {
                    start = Sample(targetPids, genPids, peerPids);
                    if (PerfStatOn && targetPids.Length > 0)
                    {
                        perf = PerfStat.Start(targetPids, Path.Combine(outDir, "perf-stat.csv"), Path.Combine(outDir, "perf-stat.log"));
                    }
                }
                else if (line == "MEASURE_END")
                {
                    end = Sample(targetPids, genPids, peerPids);
                    if (perf is not null)
                    {
                        perfCounts = perf.Stop();
                        perf.Dispose();
                        perf = null;
                    }
                }
            });
            string resultLine;
            try
            {
                resultLine = phonesWorker.WaitLine("RESULT ", TimeSpan.FromSeconds(settings.WarmupSeconds + settings.DurationSeconds + 120));
            }
            finally
            {
                perf?.Dispose(); // only still set when the worker failed before MEASURE_END
            }

            var r = JsonSerializer.Deserialize<PhonesResult>(resultLine["RESULT ".Length..])!;
            phonesWorker.WaitExit(TimeSpan.FromSeconds(10));
            if (bins is not null)
            {
                bins.WriteLine("stop");
                bins.WaitLine("RESULT ", TimeSpan.FromSeconds(30));
                bins.WaitExit(TimeSpan.FromSeconds(10));
            }

            var h = Histogram.Deserialize(r.Histogram);
            var n = Math.Max(1, r.RoundTrips);
            double PerRt(int i) => start.Length == 0 || end.Length == 0 ? 0 : (end[i] - start[i]) * 1e6 / n;
            var row = new LoadRow(scenario, target, size, phones, binaries, pct, rate,
                RoundTripsPerSec: r.RoundTrips / r.Seconds,
                PayloadMBps: r.RoundTrips * (double)size / r.Seconds / 1e6,
                P50Us: h.ValueAt(0.50) / 1e3, P99Us: h.ValueAt(0.99) / 1e3, P999Us: h.ValueAt(0.999) / 1e3, MaxUs: h.ValueAt(1.0) / 1e3,
                TargetCpuUs: PerRt(0), GeneratorCpuUs: PerRt(1), PeerCpuUs: PerRt(2), MachineCpuUs: PerRt(3),
                MachineBusyPct: start.Length == 0 || end.Length == 0 ? 0 : 100 * (end[3] - start[3]) / (end[4] - start[4]),
                r.Lost, r.OutOfOrder, r.Corrupt, r.Disconnects, load1,
                TargetSwitchesPerRt: start.Length == 0 || end.Length == 0 ? 0 : (end[5] - start[5]) / n,
                Window: window, Tls: tls, Rep: rep, TlsInfo: r.Tls,
                PerfPerRt: perfCounts?.ToDictionary(kv => kv.Key, kv => kv.Value / n, StringComparer.Ordinal));
            Runner.Log($"{scenario,-15} {target,-7} {(tls ? "wss" : "ws"),-3} {size,6} B {phones,3} phones/{binaries,3} bin w{window,-2} {(rate > 0 ? $"@{rate:F0}/s" : "max"),-10} " +
                       $"{row.RoundTripsPerSec,9:F0} rt/s p50 {row.P50Us,7:F0} p99 {row.P99Us,7:F0} p99.9 {row.P999Us,7:F0} us " +
                       $"cpu/rt tgt {row.TargetCpuUs:F1} (cs {row.TargetSwitchesPerRt:F2}) gen {row.GeneratorCpuUs:F1} peer {row.PeerCpuUs:F1} busy {row.MachineBusyPct:F0}% " +
                       $"lost {r.Lost} ooo {r.OutOfOrder} bad {r.Corrupt} disc {r.Disconnects} load {load1}" +
                       (row.PerfPerRt is { Count: > 0 } p ? " per rt: " + string.Join(' ', p.Select(kv => $"{kv.Key} {kv.Value:F2}")) : ""));
            return row;
        }
        finally
        {
            bins?.Dispose(); // also when a worker failed: no binaries left behind
        }
    }

    private static double[] Sample(int[] target, int[] gen, int[] peer)
    {
        var (busy, total) = ProcStats.MachineCpu();
        return [ProcStats.CpuSeconds(target), ProcStats.CpuSeconds(gen), ProcStats.CpuSeconds(peer), busy, total, ProcStats.ContextSwitches(target)];
    }
}
