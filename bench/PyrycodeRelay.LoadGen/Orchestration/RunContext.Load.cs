using System.Globalization;
using System.Text.Json;
using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>Round-trip scenarios (a), (b), (e) and connection setup (d).</summary>
internal sealed partial class RunContext
{
    private const int FanoutPhones = 16;

    public void RunLoad(List<LoadRow> rows, List<SetupRow> setup, bool throughputOnly = false)
    {
        try
        {
            StartAll();
            var rotation = 0;
            string[] Order()
            {
                var n = TargetNames.Length;
                var first = rotation++;
                return [.. Enumerable.Range(0, n).Select(i => TargetNames[(i + first) % n])];
            }

            foreach (var size in settings.Sizes)
            {
                foreach (var phones in settings.PhoneCounts)
                {
                    foreach (var target in Order())
                    {
                        rows.Add(RunOne("throughput", target, size, phones, phones, 1, 0, 0));
                    }
                }
            }

            if (throughputOnly)
            {
                return;
            }

            foreach (var size in settings.Sizes)
            {
                foreach (var phones in settings.PhoneCounts)
                {
                    var max = rows.Where(r => r.Scenario == "throughput" && r.Size == size && r.Phones == phones).Min(r => r.RoundTripsPerSec);
                    foreach (var pct in new[] { 25, 75 })
                    {
                        foreach (var target in Order())
                        {
                            rows.Add(RunOne("latency", target, size, phones, phones, 1, pct, max * pct / 100));
                        }
                    }
                }
            }

            foreach (var size in settings.Sizes)
            {
                var fan = new List<LoadRow>();
                foreach (var target in Order())
                {
                    // The relay multiplexes 16 phones over one binary connection; the baselines have no such
                    // thing, so their 16 phones each get their own upstream connection (same as scenario a).
                    var binaries = IsRelay(target) ? 1 : FanoutPhones;
                    fan.Add(RunOne("fanout", target, size, FanoutPhones, binaries, IsRelay(target) ? FanoutPhones : 1, 0, 0));
                }

                rows.AddRange(fan);
                var max = fan.Min(r => r.RoundTripsPerSec);
                foreach (var target in Order())
                {
                    var binaries = IsRelay(target) ? 1 : FanoutPhones;
                    rows.Add(RunOne("fanout-latency", target, size, FanoutPhones, binaries, IsRelay(target) ? FanoutPhones : 1, 75, max * 0.75));
                }
            }

            foreach (var target in Order())
            {
                setup.Add(RunSetup(target));
            }
        }
        finally
        {
            StopAll();
        }
    }

    private LoadRow RunOne(string scenario, string target, int size, int phones, int binaries, int phonesPer, int pct, double rate)
    {
        var tag = NextTag();
        ChildProcess? bins = null;
        if (IsRelay(target))
        {
            bins = StartWorker("binaries", ["--url", $"ws://127.0.0.1:{_relays[target].Port}/v1/server", "--tag", tag, "--binaries", $"{binaries}"], "binaries.err.log");
            bins.WaitLine("READY", TimeSpan.FromSeconds(60));
            WaitRelay(target, h => h.Binaries >= binaries, $"{binaries} binaries");
        }

        int[] targetPids = IsRelay(target) ? [_relays[target].Process.Pid] : target == "nginx" ? _nginxPids : [];
        int[] peerPids = IsRelay(target) ? [bins!.Pid] : [_echo!.Pid];
        List<string> args =
        [
            "--url", PhoneUrl(target), "--tag", tag, "--binaries", $"{binaries}", "--phones-per", $"{phonesPer}", "--size", $"{size}",
            "--warmup", settings.WarmupSeconds.ToString(CultureInfo.InvariantCulture),
            "--duration", settings.DurationSeconds.ToString(CultureInfo.InvariantCulture),
        ];
        args.AddRange(rate > 0 ? ["--rate", rate.ToString("F0", CultureInfo.InvariantCulture)] : ["--window", $"{settings.Window}"]);
        var load1 = ProcStats.LoadAverage();
        using var phonesWorker = StartWorker("phones", args, "phones.err.log");
        double[] start = [], end = [];
        int[] genPids = [phonesWorker.Pid];
        phonesWorker.Watch(line =>
        {
            if (line == "MEASURE_START")
            {
                start = Sample(targetPids, genPids, peerPids);
            }
            else if (line == "MEASURE_END")
            {
                end = Sample(targetPids, genPids, peerPids);
            }
        });
        var resultLine = phonesWorker.WaitLine("RESULT ", TimeSpan.FromSeconds(settings.WarmupSeconds + settings.DurationSeconds + 120));
        var r = JsonSerializer.Deserialize<PhonesResult>(resultLine["RESULT ".Length..])!;
        phonesWorker.WaitExit(TimeSpan.FromSeconds(10));
        if (bins is not null)
        {
            bins.WriteLine("stop");
            bins.WaitLine("RESULT ", TimeSpan.FromSeconds(30));
            bins.WaitExit(TimeSpan.FromSeconds(10));
            bins.Dispose();
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
            TargetSwitchesPerRt: start.Length == 0 || end.Length == 0 ? 0 : (end[5] - start[5]) / n);
        Runner.Log($"{scenario,-15} {target,-6} {size,5} B {phones,3} phones/{binaries,3} bin {(rate > 0 ? $"@{rate:F0}/s" : "max"),-10} " +
                   $"{row.RoundTripsPerSec,9:F0} rt/s p50 {row.P50Us,7:F0} p99 {row.P99Us,7:F0} p99.9 {row.P999Us,7:F0} us " +
                   $"cpu/rt tgt {row.TargetCpuUs:F1} (cs {row.TargetSwitchesPerRt:F2}) gen {row.GeneratorCpuUs:F1} peer {row.PeerCpuUs:F1} busy {row.MachineBusyPct:F0}% " +
                   $"lost {r.Lost} ooo {r.OutOfOrder} bad {r.Corrupt} disc {r.Disconnects} load {load1}");
        return row;
    }

    private static double[] Sample(int[] target, int[] gen, int[] peer)
    {
        var (busy, total) = ProcStats.MachineCpu();
        return [ProcStats.CpuSeconds(target), ProcStats.CpuSeconds(gen), ProcStats.CpuSeconds(peer), busy, total, ProcStats.ContextSwitches(target)];
    }

    private SetupRow RunSetup(string target)
    {
        var url = IsRelay(target) ? $"ws://127.0.0.1:{_relays[target].Port}/" : PhoneUrl(target);
        var load1 = ProcStats.LoadAverage();
        using var w = StartWorker("setup",
        [
            "--url", url, "--kind", IsRelay(target) ? "relay" : "echo", "--tag", NextTag(),
            "--binaries", $"{settings.SetupBinaries}", "--phones-per", $"{settings.SetupPhonesPer}", "--local", "127.0.0.4,127.0.0.5",
        ], "setup.err.log");
        var r = JsonSerializer.Deserialize<SetupResult>(w.WaitLine("RESULT ", TimeSpan.FromSeconds(180))["RESULT ".Length..])!;
        w.WaitExit(TimeSpan.FromSeconds(10));
        var row = new SetupRow(target, r.Binaries, r.Binaries / r.BinarySeconds, r.Phones, r.Phones / r.PhoneSeconds, load1);
        Runner.Log($"setup {target,-6} binaries {row.BinariesPerSec:F0}/s phones {row.PhonesPerSec:F0}/s load {load1}");
        Thread.Sleep(1000);
        return row;
    }
}
