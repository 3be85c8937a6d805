using System.Globalization;
using System.Text.Json;
using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>Round-trip scenarios (a), (b), (e) and connection setup (d): the sizes × phone counts matrix at <c>--window</c>.</summary>
internal sealed partial class RunContext
{
    private const int FanoutPhones = 16;

    private int _rotation;

    /// <summary>The targets in the order of the next measurement (rotating, so background load hits all alike).</summary>
    private string[] Order()
    {
        var n = TargetNames.Length;
        var first = _rotation++;
        return [.. Enumerable.Range(0, n).Select(i => TargetNames[(i + first) % n])];
    }

    public void RunLoad(List<LoadRow> rows, List<SetupRow> setup, LoadPlan plan)
    {
        try
        {
            StartAll();
            if (plan.Matrix)
            {
                RunMatrix(rows, setup, plan.MatrixLatency);
            }

            RunRows(rows, plan);
        }
        finally
        {
            StopAll();
        }
    }

    private void RunMatrix(List<LoadRow> rows, List<SetupRow> setup, bool latency)
    {
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

        if (!latency)
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

                SelfCheck(rows, "throughput", "latency", size, phones, settings.Window, tls: false);
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

    private SetupRow RunSetup(string target)
    {
        var url = IsRelay(target) ? $"ws://127.0.0.1:{Relay(target).Port}/" : PhoneUrl(target);
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
