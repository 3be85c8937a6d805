using System.Globalization;
using System.Text;
using PyrycodeRelay.LoadGen.Orchestration;

namespace PyrycodeRelay.LoadGen.Reporting;

/// <summary>
/// The compact table of the extra rows (<c>--rows</c>) that <c>run</c> prints at its end and <c>ab-table</c>
/// prints from a results file: per row and target the median over the repetitions, and the ratios to nginx and
/// to the baseline build (<c>relay-b</c>) as the median of the per-repetition ratios (each repetition measures all
/// targets back to back, so its ratio is the fair one on a noisy machine).
/// </summary>
internal static class AbTable
{
    public static int Print(Load.WorkerArgs a)
    {
        var path = a.Get("results", Path.Combine(Runner.FindRepoRoot(), "artifacts/bench/results.json"));
        var results = System.Text.Json.JsonSerializer.Deserialize<Results>(File.ReadAllText(path))!;
        Console.Write(Format(results));
        return 0;
    }

    public static string Format(Results r)
    {
        var sb = new StringBuilder();
        var closed = r.Load.Where(x => x.Scenario == "row").ToList();
        var targets = closed.Select(x => x.Target).Distinct().OrderBy(Rank).ToArray();
        var reps = closed.Count == 0 ? 0 : closed.Max(x => x.Rep);
        sb.AppendLine(CultureInfo.InvariantCulture, $"closed loop, median of {reps} repetition(s); ratios = median of per-repetition ratios [min–max]; load {r.Machine.LoadAtStart} → {r.Machine.LoadAtEnd}");
        var loads = r.Load.Select(x => double.Parse(x.Load1.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        if (loads.Count > 0 && loads.Max() > r.Machine.Cores)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"  WARNING: 1-min load average {loads.Min():0.0}–{loads.Max():0.0} on {r.Machine.Cores} cores: other processes took CPU during the run; ratios carry that noise (compare the [min–max] spread, add --reps).");
        }

        foreach (var note in r.Notes)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {note}");
        }

        var hasB = targets.Contains("relay-b");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{"row",-18} {"target",-8} {"rt/s",9} {"p50 µs",8} {"p99 µs",8} {"cpu µs/rt",9} {"cs/rt",6} {"÷ nginx",-20}{(hasB ? $" {"÷ relay-b",-20}" : "")} lost/bad");
        foreach (var row in Specs(closed))
        {
            var label = row.Label;
            foreach (var t in targets)
            {
                var mine = Of(closed, row, t);
                if (mine.Count == 0)
                {
                    continue;
                }

                var vsNginx = t == "nginx" ? "" : RatioText(closed, row, t, "nginx");
                var vsB = !hasB || t is not ("relay") ? "" : RatioText(closed, row, t, "relay-b");
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"{label,-18} {t,-8} {Med(mine, x => x.RoundTripsPerSec),9:N0} {Med(mine, x => x.P50Us),8:N0} {Med(mine, x => x.P99Us),8:N0} " +
                    $"{Med(mine, x => x.TargetCpuUs),9:F1} {Med(mine, x => x.TargetSwitchesPerRt),6:F2} {vsNginx,-20}{(hasB ? $" {vsB,-20}" : "")} " +
                    $"{mine.Sum(x => x.Lost)}/{mine.Sum(x => x.OutOfOrder + x.Corrupt + x.Disconnects)}");
                label = "";
            }
        }

        Syscalls(sb, closed, targets);
        Latency(sb, r, targets);
        foreach (var g in closed.Where(x => x.Tls && x.TlsInfo.Length > 0).GroupBy(x => x.Target, StringComparer.Ordinal))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"wss phones negotiated ({g.Key}): {string.Join(", ", g.Select(x => x.TlsInfo).Distinct())}");
        }

        return sb.ToString();
    }

    private static void Latency(StringBuilder sb, Results r, string[] targets)
    {
        var open = r.Load.Where(x => x.Scenario == "row-latency").ToList();
        var self = r.Load.Where(x => x.Scenario == "row-self").ToList();
        if (open.Count == 0 && self.Count == 0)
        {
            return;
        }

        sb.AppendLine();
        sb.AppendLine("open loop at 75 % of the row's lowest maximum (same offered load for all), then each relay at 75 % of its own maximum:");
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"row",-18} {"target",-18} {"offered",9} {"achieved",9} {"p50 µs",9} {"p99 µs",9} {"p99 ÷ nginx",11} {"lost/bad",-9} phones dropped");
        foreach (var row in Specs(open.Concat(self)))
        {
            var label = row.Label;
            var nginx = Of(open, row, "nginx").FirstOrDefault();
            foreach (var (x, kind) in targets.SelectMany(t => Of(open, row, t).Select(x => (x, "")).Concat(Of(self, row, t).Select(x => (x, " (own max)")))))
            {
                var ratio = nginx is null || x.Target == "nginx" || kind.Length > 0 ? "" : $"{x.P99Us / nginx.P99Us:0.00}×";
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"{label,-18} {x.Target + kind,-18} {x.OfferedRate,9:N0} {x.RoundTripsPerSec,9:N0} {x.P50Us,9:N0} {x.P99Us,9:N0} {ratio,11} " +
                    $"{$"{x.Lost}/{x.OutOfOrder + x.Corrupt + x.Disconnects}",-9} {(IsRelay(x.Target) ? x.Disconnects.ToString(CultureInfo.InvariantCulture) : "")}");
                label = "";
            }
        }
    }

    private static void Syscalls(StringBuilder sb, List<LoadRow> closed, string[] targets)
    {
        if (!closed.Any(x => x.PerfPerRt is { Count: > 0 }))
        {
            return;
        }

        var names = PerfStat.Groups.Select(g => g.Name).ToArray();
        sb.AppendLine();
        sb.AppendLine("target's system calls and scheduler switches per round trip (perf stat on tracepoints; one round trip = 4 socket crossings for both):");
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"row",-18} {"target",-8} {string.Join(" ", names.Select(n => $"{n,12}"))}");
        foreach (var row in Specs(closed))
        {
            var label = row.Label;
            foreach (var t in targets)
            {
                var mine = Of(closed, row, t).Where(x => x.PerfPerRt is { Count: > 0 }).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }

                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"{label,-18} {t,-8} {string.Join(" ", names.Select(n => $"{RunContext.Median(mine.Select(x => x.PerfPerRt!.GetValueOrDefault(n))),12:F2}"))}");
                label = "";
            }
        }
    }

    private static IEnumerable<RowSpec> Specs(IEnumerable<LoadRow> rows) =>
        rows.Select(x => new RowSpec(x.Phones, x.Window, x.Size, x.Tls)).Distinct();

    private static List<LoadRow> Of(List<LoadRow> rows, RowSpec spec, string target) =>
        [.. rows.Where(x => x.Target == target && x.Phones == spec.Phones && x.Window == spec.Window && x.Size == spec.Size && x.Tls == spec.Tls)];

    private static double Med(List<LoadRow> rows, Func<LoadRow, double> f) => RunContext.Median(rows.Select(f));

    /// <summary>Median [min–max] of <paramref name="a"/> ÷ <paramref name="b"/> over the repetitions both measured.</summary>
    private static string RatioText(List<LoadRow> rows, RowSpec spec, string a, string b)
    {
        var mine = Of(rows, spec, a);
        var theirs = Of(rows, spec, b);
        var ratios = mine.Join(theirs, x => x.Rep, y => y.Rep, (x, y) => y.RoundTripsPerSec > 0 ? x.RoundTripsPerSec / y.RoundTripsPerSec : 0).ToList();
        if (ratios.Count == 0)
        {
            return "";
        }

        var text = $"{RunContext.Median(ratios):0.00}×";
        return ratios.Count == 1 ? text : $"{text} [{ratios.Min():0.00}–{ratios.Max():0.00}]";
    }

    private static bool IsRelay(string target) => target.StartsWith("relay", StringComparison.Ordinal);

    private static int Rank(string target) => target switch { "nginx" => 0, "relay" => 1, "relay-b" => 2, _ => 3 };
}
