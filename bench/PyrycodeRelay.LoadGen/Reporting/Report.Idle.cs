using System.Text;
using PyrycodeRelay.LoadGen.Orchestration;

namespace PyrycodeRelay.LoadGen.Reporting;

/// <summary>Idle memory, micro-benchmarks and the targets summary.</summary>
internal static partial class Report
{
    private const int Projection = 100_000;

    /// <summary>Least-squares slope and intercept of y over x.</summary>
    private static (double Slope, double Intercept) Fit(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return (0, points.Count == 1 ? points[0].Y : 0);
        }

        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        var sxy = points.Sum(p => (p.X - mx) * (p.Y - my));
        var slope = sxx == 0 ? 0 : sxy / sxx;
        return (slope, my - (slope * mx));
    }

    /// <summary>Per-connection bytes: RSS (PSS for nginx) and managed heap, from the slope over the levels.</summary>
    private static (double RssBytes, double HeapBytes, double RssIntercept, double HeapIntercept, double HeapAfterGcBytes) PerConnection(Results r, string target)
    {
        var rows = r.Idle.Where(x => x.Target == target && x.Error is null && x.Connections >= 0).ToList();
        var rss = Fit(rows.Select(x => ((double)x.Connections, (target == "nginx" ? x.PssKb : x.RssKb) * 1024)).ToList());
        var heap = Fit(rows.Select(x => ((double)x.Connections, x.GcDumpBytes)).ToList());
        var after = Fit(rows.Select(x => ((double)x.Connections, x.GcHeapBytes)).ToList());
        return (rss.Slope, heap.Slope, rss.Intercept, heap.Intercept, after.Slope);
    }

    private static void Idle(StringBuilder md, Results r)
    {
        md.AppendLine("## (c) Idle memory per connection").AppendLine();
        md.AppendLine("Each target in a fresh process. *heap* = live managed objects after a forced full GC (dotnet-gcdump); *after GC* = the runtime's " +
                      "heap size after that GC, which also counts free space between objects. nginx has no managed heap; its RSS column shows PSS summed over " +
                      "master and workers. Per-connection columns: (value − value at 0) ÷ connections; KB = 1,000 bytes.").AppendLine();
        md.AppendLine("| target | connections | RSS MiB | heap MiB | after GC MiB | RSS KB/conn | heap KB/conn | after GC KB/conn | load (1/5/15) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var target in new[] { "relay", "nginx", "direct" })
        {
            var rows = r.Idle.Where(x => x.Target == target).ToList();
            var zero = rows.FirstOrDefault(x => x.Connections == 0);
            foreach (var x in rows)
            {
                if (x.Error is not null)
                {
                    md.AppendLine($"| {target} | failed | {x.Error} | | | | | | {x.Load1} |");
                    continue;
                }

                var rssKb = target == "nginx" ? x.PssKb : x.RssKb;
                var zeroKb = zero is null ? 0 : target == "nginx" ? zero.PssKb : zero.RssKb;
                var perRss = x.Connections == 0 || zero is null ? "" : F2((rssKb - zeroKb) * 1024 / x.Connections / 1000);
                var none = x.Connections == 0 || zero is null || target == "nginx";
                var perHeap = none ? "" : F2((x.GcDumpBytes - zero!.GcDumpBytes) / x.Connections / 1000);
                var perAfter = none ? "" : F2((x.GcHeapBytes - zero!.GcHeapBytes) / x.Connections / 1000);
                var managed = target == "nginx" ? "— | —" : $"{F2(x.GcDumpBytes / 1048576)} | {F2(x.GcHeapBytes / 1048576)}";
                md.AppendLine($"| {target} | {F0(x.Connections)} | {F1(rssKb / 1024)} | {managed} | {perRss} | {perHeap} | {perAfter} | {x.Load1} |");
            }
        }

        md.AppendLine();
        md.AppendLine($"Slope over all levels (least squares) and the projection to {F0(Projection)} connections — **projected, not measured**: one process may hold at most 20,000 descriptors here, and nginx needs two per proxied connection.").AppendLine();
        md.AppendLine($"| target | RSS KB/conn | heap KB/conn | after GC KB/conn | projected RSS at {F0(Projection)} | projected heap at {F0(Projection)} |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var target in new[] { "relay", "nginx", "direct" })
        {
            var p = PerConnection(r, target);
            var heap = target == "nginx" ? "— | —" : $"{F2(p.HeapBytes / 1000)} | {F2(p.HeapAfterGcBytes / 1000)}";
            var projHeap = target == "nginx" ? "—" : $"{F0((p.HeapIntercept + (p.HeapBytes * Projection)) / 1048576)} MiB";
            md.AppendLine($"| {target} | {F2(p.RssBytes / 1000)} | {heap} | {F0((p.RssIntercept + (p.RssBytes * Projection)) / 1048576)} MiB | {projHeap} |");
        }

        var rel = PerConnection(r, "relay");
        var ngx = PerConnection(r, "nginx");
        var dir = PerConnection(r, "direct");
        md.AppendLine();
        md.AppendLine($"Relay ÷ nginx: RSS {Ratio(rel.RssBytes, ngx.RssBytes)}. Relay ÷ direct (bare Kestrel): RSS {Ratio(rel.RssBytes, dir.RssBytes)}, heap {Ratio(rel.HeapBytes, dir.HeapBytes)}.").AppendLine();
    }

    private static List<(string Name, string Table)> MicroTables(string bdnDir)
    {
        List<(string, string)> tables = [];
        if (!Directory.Exists(bdnDir))
        {
            return tables;
        }

        foreach (var file in Directory.GetFiles(bdnDir, "*-report-github.md").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file).Replace("-report-github.md", "", StringComparison.Ordinal).Split('.').Last();
            var lines = File.ReadAllLines(file).SkipWhile(l => !l.StartsWith('|')).ToList();
            tables.Add((name, string.Join('\n', lines)));
        }

        return tables;
    }

    /// <summary>Allocated column values of every micro-benchmark row.</summary>
    private static List<string> Allocations(string bdnDir)
    {
        List<string> values = [];
        foreach (var (_, table) in MicroTables(bdnDir))
        {
            var lines = table.Split('\n').Where(l => l.StartsWith('|')).ToList();
            if (lines.Count < 3)
            {
                continue;
            }

            var head = lines[0].Split('|').Select(c => c.Trim()).ToList();
            var col = head.IndexOf("Allocated");
            if (col < 0)
            {
                continue;
            }

            values.AddRange(lines.Skip(2).Select(l => l.Split('|')[col].Trim().Trim('*')).Where(v => v.Length > 0));
        }

        return values;
    }

    private static void Micro(StringBuilder md, string bdnDir)
    {
        md.AppendLine("## Micro-benchmarks (BenchmarkDotNet, hot path)").AppendLine();
        var tables = MicroTables(bdnDir);
        if (tables.Count == 0)
        {
            md.AppendLine("_No BenchmarkDotNet results were found for this run._").AppendLine();
            return;
        }

        md.AppendLine("`bench/PyrycodeRelay.Benchmarks`, short job, `[MemoryDiagnoser]`: *Allocated* is managed bytes per operation (`-` = none).").AppendLine();
        foreach (var (name, table) in tables)
        {
            md.AppendLine($"### {name}").AppendLine().AppendLine(table).AppendLine();
        }
    }

    private static void Summary(StringBuilder md, Results r, string bdnDir)
    {
        md.AppendLine("## Targets").AppendLine();
        md.AppendLine("| target | measured | met |").AppendLine("|---|---|---|");
        RowTargets(md, r);
        if (r.Idle.Any(x => x.Target == "relay" && x.Connections > 0))
        {
            var rel = PerConnection(r, "relay");
            var dir = PerConnection(r, "direct");
            md.AppendLine($"| ≤ 12 KB managed heap per idle connection | relay {F2(rel.HeapBytes / 1000)} KB live objects (bare Kestrel echo {F2(dir.HeapBytes / 1000)} KB, {Ratio(rel.HeapBytes, dir.HeapBytes)}); heap after GC incl. free space {F2(rel.HeapAfterGcBytes / 1000)} KB (echo {F2(dir.HeapAfterGcBytes / 1000)} KB) | {(rel.HeapBytes <= 12_000 ? "yes" : "no")} (live objects){(rel.HeapAfterGcBytes <= 12_000 ? "" : "; not by heap-after-GC")} |");
        }

        var allocs = Allocations(bdnDir);
        if (allocs.Count > 0)
        {
            var nonZero = allocs.Where(v => v != "-" && v != "0 B").ToList();
            // No managed object is smaller than 24 B: a figure below that is BenchmarkDotNet's rounding, not an allocation per operation.
            var real = nonZero.Where(v => !v.EndsWith(" B", StringComparison.Ordinal) || !int.TryParse(v[..^2], out var b) || b >= 24).ToList();
            var note = nonZero.Count == 0 ? "" : real.Count == 0
                ? $"; {nonZero.Count} show {string.Join(", ", nonZero.Distinct())} per operation (below the 24 B of the smallest object: measurement rounding)"
                : "; others: " + string.Join(", ", nonZero.Distinct());
            md.AppendLine($"| 0 B allocated per forwarded frame (micro-benchmarks) | {allocs.Count - nonZero.Count} of {allocs.Count} benchmarks report no allocation{note} | {(real.Count == 0 ? "yes" : "no")} |");
        }

        md.AppendLine();
    }

    private static string Chart(Results r)
    {
        var svg = new Svg(980, 400);
        var phones = r.Settings.PhoneCounts;
        var labels = phones.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        List<Svg.Series> tput = [], p99 = [];
        foreach (var target in new[] { "relay", "nginx", "direct" })
        {
            foreach (var size in r.Settings.Sizes)
            {
                var dashed = size != r.Settings.Sizes[0];
                var label = $"{target} {SizeLabel(size)}";
                tput.Add(new Svg.Series(label, Svg.Colors[target], dashed,
                    phones.Select((p, i) => (i, Row(r, "throughput", target, size, p)?.RoundTripsPerSec ?? 0)).ToList()));
                p99.Add(new Svg.Series(label, Svg.Colors[target], dashed,
                    phones.Select((p, i) => (i, (Row(r, "latency", target, size, p, 75)?.P99Us ?? 0) / 1000)).ToList()));
            }
        }

        svg.Panel(0, 0, 490, 360, "Round-trip throughput (closed loop)", "round trips / s", labels, "phones (each with its own binary / upstream)", tput);
        svg.Panel(490, 0, 490, 360, "p99 round-trip latency at 75 % load", "ms", labels, "phones", p99);
        List<(string, string, bool)> legend = [];
        foreach (var target in new[] { "relay", "nginx", "direct" })
        {
            legend.Add((target, Svg.Colors[target], false));
        }

        legend.Add(($"solid {SizeLabel(r.Settings.Sizes[0])}", "#666", false));
        if (r.Settings.Sizes.Length > 1)
        {
            legend.Add(($"dashed {SizeLabel(r.Settings.Sizes[1])}", "#666", true));
        }

        svg.Legend(120, 385, legend);
        return svg.ToString();
    }
}
