using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Soak;

/// <summary>The markdown report and the leak verdict (least-squares slope after warm-up).</summary>
internal static class Report
{
    public static (string Text, bool Leak) Build(Options opt, Stats stats, List<Sample> samples, TimeSpan churn, Sample final, string finalHealth, int? exitCode, double drainSeconds,
        List<(DateTime At, double HeapMiB, double CommittedMiB, double Timers)> gc)
    {
        var ic = CultureInfo.InvariantCulture;
        var steady = samples.Where(s => s.Seconds >= opt.Warmup.TotalSeconds && s.Seconds <= churn.TotalSeconds).ToList();
        var warm = steady.FirstOrDefault() ?? samples[0];
        var (rssSlope, rssLeak) = Trend(steady, s => s.RssKiB / 1024.0, relative: 0.10);
        var (thrSlope, thrLeak) = Trend(steady, s => s.Threads, absolute: 8);
        var (fdSlope, fdLeak) = Trend(steady, s => s.Fds, absolute: 16);
        var gcSteady = gc.Count == 0 ? [] : gc.Where(g => (g.At - gc[0].At).TotalSeconds >= opt.Warmup.TotalSeconds && (g.At - gc[0].At) <= churn).ToList();
        var gcAsSamples = gcSteady.Select(g => new Sample((g.At - gc[0].At).TotalSeconds, (long)(g.HeapMiB * 1024), (long)g.Timers, 0, "")).ToList();
        var (heapSlope, heapLeak) = Trend(gcAsSamples, s => s.RssKiB / 1024.0, relative: 0.10);
        var (timerSlope, timerLeak) = Trend(gcAsSamples, s => s.Threads, absolute: 32);
        var leak = rssLeak || thrLeak || fdLeak || heapLeak || timerLeak;
        var counters = stats.Snapshot();
        long C(string k) => counters.TryGetValue(k, out var v) ? v : 0;
        var churned = C("connections: binaries") + C("connections: phones");
        double[] takeovers;
        lock (Cell.TakeoverSeconds)
        {
            takeovers = [.. Cell.TakeoverSeconds];
        }

        var sb = new StringBuilder();
        sb.AppendLine(ic, $"| Item | Value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine(ic, $"| Duration (churn) | {churn.TotalSeconds:F0} s, {opt.Cells} server-ids × {opt.Phones} phones, seed {opt.Seed} |");
        sb.AppendLine(ic, $"| Connections churned | {churned} ({C("connections: binaries")} binary, {C("connections: phones")} phone) |");
        sb.AppendLine(ic, $"| Frames phone → binary / binary → phone | {stats.FramesPhoneToBinary} / {stats.FramesBinaryToPhone} |");
        sb.AppendLine(ic, $"| Lost / duplicated / reordered | {stats.Lost} / {stats.Duplicated} / {stats.Reordered} |");
        sb.AppendLine(ic, $"| Spec violations (close codes, notices, timings) | {stats.Violations.Count} |");
        sb.AppendLine(ic, $"| Takeovers: time to evict phones (probe timeout 1 s) | {(takeovers.Length == 0 ? "none" : $"n={takeovers.Length}, median {Median(takeovers):F2} s, max {takeovers.Max():F2} s")} |");
        sb.AppendLine(ic, $"| RSS after warm-up → end (slope) | {warm.RssKiB / 1024.0:F1} MiB → {final.RssKiB / 1024.0:F1} MiB ({rssSlope:+0.00;-0.00} MiB/min{(rssLeak ? ", TRENDING UP" : "")}) |");
        sb.AppendLine(ic, $"| Threads after warm-up → end (slope) | {warm.Threads} → {final.Threads} ({thrSlope:+0.00;-0.00}/min{(thrLeak ? ", TRENDING UP" : "")}) |");
        sb.AppendLine(ic, $"| Open fds after warm-up → end (slope) | {warm.Fds} → {final.Fds} ({fdSlope:+0.00;-0.00}/min{(fdLeak ? ", TRENDING UP" : "")}) |");
        if (gcSteady.Count > 0)
        {
            sb.AppendLine(ic, $"| GC heap after last GC, after warm-up → end (slope) | {gcSteady[0].HeapMiB:F1} MiB → {gc[^1].HeapMiB:F1} MiB ({heapSlope:+0.00;-0.00} MiB/min{(heapLeak ? ", TRENDING UP" : "")}); committed {gcSteady[0].CommittedMiB:F1} → {gc[^1].CommittedMiB:F1} MiB |");
            sb.AppendLine(ic, $"| Live timers after warm-up → end (slope) | {gcSteady[0].Timers:F0} → {gc[^1].Timers:F0} ({timerSlope:+0.00;-0.00}/min{(timerLeak ? ", TRENDING UP" : "")}) |");
        }
        else
        {
            sb.AppendLine("| GC heap | not sampled (dotnet-counters not installed) |");
        }

        sb.AppendLine(ic, $"| At start (idle relay) | RSS {samples[0].RssKiB / 1024.0:F1} MiB, {samples[0].Threads} threads, {samples[0].Fds} fds |");
        sb.AppendLine(ic, $"| /healthz after all clients left | binaries/phones {finalHealth} |");
        sb.AppendLine(ic, $"| SIGTERM | exit {exitCode?.ToString(ic) ?? "none"} after {drainSeconds:F1} s |");
        sb.AppendLine();
        sb.AppendLine("| Event / end | Count |");
        sb.AppendLine("|---|---|");
        foreach (var (k, v) in counters)
        {
            sb.AppendLine(ic, $"| {k} | {v} |");
        }

        if (!stats.Violations.IsEmpty)
        {
            sb.AppendLine();
            sb.AppendLine("Violations (first 50):");
            sb.AppendLine();
            foreach (var v in stats.Violations.Take(50))
            {
                sb.AppendLine(ic, $"- {v}");
            }
        }

        return (sb.ToString(), leak);
    }

    /// <summary>
    /// Least-squares slope per minute. "Trending up" = the fitted rise over the steady window exceeds the
    /// threshold (relative to the mean, or absolute).
    /// </summary>
    private static (double PerMinute, bool Up) Trend(List<Sample> xs, Func<Sample, double> f, double relative = 0, double absolute = 0)
    {
        if (xs.Count < 3)
        {
            return (0, false);
        }

        var mx = xs.Average(s => s.Seconds);
        var my = xs.Average(f);
        var num = xs.Sum(s => (s.Seconds - mx) * (f(s) - my));
        var den = xs.Sum(s => (s.Seconds - mx) * (s.Seconds - mx));
        var slope = den == 0 ? 0 : num / den;
        var rise = slope * (xs[^1].Seconds - xs[0].Seconds);
        var threshold = relative > 0 ? relative * my : absolute;
        return (slope * 60, rise > threshold);
    }

    private static double Median(double[] xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
    }
}
