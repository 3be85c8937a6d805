using System.Text;
using PyrycodeRelay.LoadGen.Orchestration;

namespace PyrycodeRelay.LoadGen.Reporting;

/// <summary>The extra rows (<c>--rows</c>: deeper windows, <c>wss</c>, large frames), the collapse check and their targets lines.</summary>
internal static partial class Report
{
    /// <summary>One workload of the run with the relay's and nginx's figures (medians over repetitions).</summary>
    private sealed record Compared(RowSpec Spec, LoadRow? Relay, LoadRow? Nginx, LoadRow? Direct, LoadRow? RelayP75, LoadRow? NginxP75, LoadRow? Self);

    /// <summary>Matrix rows and extra rows, plain or <c>wss</c>.</summary>
    private static List<Compared> Workloads(Results r, bool tls)
    {
        var list = new List<Compared>();
        if (!tls)
        {
            foreach (var size in r.Settings.Sizes)
            {
                foreach (var phones in r.Settings.PhoneCounts)
                {
                    list.Add(new Compared(new RowSpec(phones, r.Settings.Window, size, false),
                        Row(r, "throughput", "relay", size, phones), Row(r, "throughput", "nginx", size, phones), Row(r, "throughput", "direct", size, phones),
                        Row(r, "latency", "relay", size, phones, 75), Row(r, "latency", "nginx", size, phones, 75), Row(r, "latency-self", "relay", size, phones, 75)));
                }
            }
        }

        foreach (var spec in ExtraSpecs(r).Where(s => s.Tls == tls))
        {
            list.Add(new Compared(spec, Extra(r, "row", "relay", spec), Extra(r, "row", "nginx", spec), Extra(r, "row", "direct", spec),
                Extra(r, "row-latency", "relay", spec), Extra(r, "row-latency", "nginx", spec), Extra(r, "row-self", "relay", spec)));
        }

        return [.. list.Where(c => c.Relay is not null && c.Nginx is not null)];
    }

    private static IEnumerable<RowSpec> ExtraSpecs(Results r) =>
        r.Load.Where(x => x.Scenario == "row").Select(x => new RowSpec(x.Phones, x.Window, x.Size, x.Tls)).Distinct();

    /// <summary>The row of one extra workload and target: the median repetition by throughput (the lower middle one of an even count).</summary>
    private static LoadRow? Extra(Results r, string scenario, string target, RowSpec s)
    {
        var rows = r.Load.Where(x => x.Scenario == scenario && x.Target == target && x.Phones == s.Phones && x.Window == s.Window && x.Size == s.Size && x.Tls == s.Tls)
            .OrderBy(x => x.RoundTripsPerSec).ToList();
        return rows.Count == 0 ? null : rows[(rows.Count - 1) / 2];
    }

    private static void RowTargets(StringBuilder md, Results r)
    {
        foreach (var tls in new[] { false, true })
        {
            var w = Workloads(r, tls);
            var tp = w.Select(c => (c.Spec, Ratio: c.Relay!.RoundTripsPerSec / c.Nginx!.RoundTripsPerSec)).ToList();
            if (tp.Count > 0)
            {
                var worst = tp.MinBy(x => x.Ratio);
                var geo = Math.Exp(tp.Average(x => Math.Log(x.Ratio)));
                md.AppendLine($"| {(tls ? "wss: every connection TLS, " : "")}throughput ≥ 1.0× nginx in every closed-loop row (phones × window × size) | relay ÷ nginx: geometric mean {F2(geo)}×, worst {F2(worst.Ratio)}× ({worst.Spec.Label}), ≥ 1.0× in {tp.Count(x => x.Ratio >= 1.0)} of {tp.Count} rows | {(tp.All(x => x.Ratio >= 1.0) ? "yes" : "no")} |");
            }

            var lat = w.Where(c => c.RelayP75 is not null && c.NginxP75 is not null).Select(c => (c.Spec, Ratio: c.RelayP75!.P99Us / c.NginxP75!.P99Us)).ToList();
            if (lat.Count > 0)
            {
                var worst = lat.MaxBy(x => x.Ratio);
                md.AppendLine($"| {(tls ? "wss: " : "")}p99 at 75 % of the lowest maximum ≤ 1.2× nginx in every row | relay ÷ nginx p99: worst {F2(worst.Ratio)}× ({worst.Spec.Label}), ≤ 1.2× in {lat.Count(x => x.Ratio <= 1.2)} of {lat.Count} rows | {(lat.All(x => x.Ratio <= 1.2) ? "yes" : "no")} |");
            }

            var self = w.Where(c => c.Self is not null).ToList();
            if (self.Count > 0)
            {
                var bad = self.Where(c => c.Self!.Disconnects > 0).ToList();
                var detail = bad.Count == 0 ? "" : ": " + string.Join(", ", bad.Select(c => $"{c.Spec.Label} {c.Self!.Disconnects}"));
                md.AppendLine($"| {(tls ? "wss: " : "")}no open-loop collapse: 0 phones dropped at 75 % of the relay's own maximum | {bad.Sum(c => c.Self!.Disconnects)} phones dropped in {bad.Count} of {self.Count} rows{detail} | {(bad.Count == 0 ? "yes" : "no")} |");
            }
        }
    }

    private static void ExtraRows(StringBuilder md, Results r)
    {
        var specs = ExtraSpecs(r).ToList();
        if (specs.Count == 0)
        {
            return;
        }

        md.AppendLine("## (f) Deeper windows, wss and large frames").AppendLine();
        md.AppendLine($"Closed loop, *phones × frames in flight per phone × frame size*, each phone with its own binary; `tls` = every connection of both targets is wss (relay: phones and binaries; nginx: phones, and its upstream to the echo's TLS port). " +
                      $"Median of {r.Settings.Reps} repetition(s). *p99 at 75 %*: open loop at 75 % of the row's lowest maximum (same offered load). " +
                      "*own 75 %*: the relay alone at 75 % of its own maximum — achieved rate and phones dropped (closed by the relay, e.g. 1011 `phone backlog full`). *÷ plain*: this row's throughput over the same row without TLS in this run.").AppendLine();
        md.AppendLine("| row | relay rt/s | nginx rt/s | direct rt/s | relay ÷ nginx | CPU µs/rt relay, nginx | cs/rt relay, nginx | p99 at 75 % relay / nginx µs | p99 ÷ nginx | own 75 %: offered / achieved, dropped | ÷ plain relay, nginx | lost/bad (relay, nginx) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var spec in specs)
        {
            var c = Workloads(r, spec.Tls).FirstOrDefault(x => x.Spec == spec);
            if (c is null)
            {
                continue;
            }

            var (rel, ngx) = (c.Relay!, c.Nginx!);
            var p99 = c.RelayP75 is null || c.NginxP75 is null ? ("—", "—") : ($"{F0(c.RelayP75.P99Us)} / {F0(c.NginxP75.P99Us)}", Ratio(c.RelayP75.P99Us, c.NginxP75.P99Us));
            var self = c.Self is null ? "—" : $"{F0(c.Self.OfferedRate)} / {F0(c.Self.RoundTripsPerSec)}, **{c.Self.Disconnects}**";
            var plain = spec.Tls ? Workloads(r, false).FirstOrDefault(x => x.Spec == spec with { Tls = false }) : null;
            var vsPlain = plain is null ? "" : $"{Ratio(rel.RoundTripsPerSec, plain.Relay!.RoundTripsPerSec)}, {Ratio(ngx.RoundTripsPerSec, plain.Nginx!.RoundTripsPerSec)}";
            md.AppendLine($"| {spec.Label} | {F0(rel.RoundTripsPerSec)} | {F0(ngx.RoundTripsPerSec)} | {(c.Direct is null ? "—" : F0(c.Direct.RoundTripsPerSec))} | {Ratio(rel.RoundTripsPerSec, ngx.RoundTripsPerSec)} | " +
                          $"{F1(rel.TargetCpuUs)}, {F1(ngx.TargetCpuUs)} | {F2(rel.TargetSwitchesPerRt)}, {F2(ngx.TargetSwitchesPerRt)} | {p99.Item1} | {p99.Item2} | {self} | {vsPlain} | {Errors(rel)}, {Errors(ngx)} |");
        }

        var ciphers = r.Load.Where(x => x.Tls && x.TlsInfo.Length > 0).Select(x => $"{x.Target}: {x.TlsInfo}").Distinct().Order(StringComparer.Ordinal).ToList();
        if (ciphers.Count > 0)
        {
            md.AppendLine().AppendLine($"TLS negotiated by the phones: {string.Join("; ", ciphers)}.");
        }

        md.AppendLine();
    }

    private static void SelfCheckMatrix(StringBuilder md, Results r)
    {
        var rows = Workloads(r, false).Where(c => c.Self is not null && !ExtraSpecs(r).Contains(c.Spec)).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("Collapse check of the (a) rows — the relay alone at 75 % of its own maximum:").AppendLine();
        md.AppendLine("| row | offered rt/s | achieved rt/s | p50 / p99 µs | phones dropped | lost/bad |");
        md.AppendLine("|---|---:|---:|---|---:|---|");
        foreach (var c in rows)
        {
            md.AppendLine($"| {c.Spec.Label} | {F0(c.Self!.OfferedRate)} | {F0(c.Self.RoundTripsPerSec)} | {F0(c.Self.P50Us)} / {F0(c.Self.P99Us)} | **{c.Self.Disconnects}** | {Errors(c.Self)} |");
        }

        md.AppendLine();
    }
}
