namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>
/// The extra closed-loop rows (<c>--rows</c>: deeper windows, <c>wss</c>, large frames), their open-loop latency
/// at 75 % of the lowest maximum, and the collapse check at 75 % of each relay's own maximum.
/// </summary>
internal sealed partial class RunContext
{
    private void RunRows(List<LoadRow> rows, LoadPlan plan)
    {
        if (plan.Rows.Length == 0)
        {
            return;
        }

        // Repetitions interleaved: rep 1 of every row and target, then rep 2, ... so a slow minute on the shared
        // machine hits one repetition of everything rather than every repetition of one row.
        for (var rep = 1; rep <= plan.Reps; rep++)
        {
            foreach (var spec in plan.Rows)
            {
                foreach (var target in Order())
                {
                    TryRun(rows, () => RunOne("row", target, spec.Size, spec.Phones, spec.Phones, 1, 0, 0, spec.Window, spec.Tls, rep));
                }
            }
        }

        if (!plan.RowLatency)
        {
            return;
        }

        foreach (var spec in plan.Rows)
        {
            var maxima = Maxima(rows, "row", spec.Size, spec.Phones, spec.Window, spec.Tls);
            if (maxima.Count < TargetNames.Length)
            {
                continue; // a closed-loop measurement failed: no common offered load
            }

            var lowest = maxima.Values.Min();
            foreach (var target in Order())
            {
                TryRun(rows, () => RunOne("row-latency", target, spec.Size, spec.Phones, spec.Phones, 1, 75, lowest * 0.75, spec.Window, spec.Tls));
            }

            SelfCheck(rows, "row", "row-latency", spec.Size, spec.Phones, spec.Window, spec.Tls);
        }
    }

    /// <summary>Median closed-loop maximum per target of one row (over its repetitions).</summary>
    private static Dictionary<string, double> Maxima(List<LoadRow> rows, string scenario, int size, int phones, int window, bool tls) =>
        rows.Where(r => r.Scenario == scenario && r.Size == size && r.Phones == phones && r.Window == window && r.Tls == tls)
            .GroupBy(r => r.Target, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Median(g.Select(r => r.RoundTripsPerSec)), StringComparer.Ordinal);

    internal static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? 0 : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>
    /// Issue 16's collapse check: each relay open loop at 75 % of its <em>own</em> maximum; the phones it drops are
    /// the row's <c>Disconnects</c> (target 0). Where a relay's maximum was the lowest, the 75 % run of
    /// <paramref name="openScenario"/> already was that run and is recorded again under the <c>-self</c> name.
    /// </summary>
    private void SelfCheck(List<LoadRow> rows, string closedScenario, string openScenario, int size, int phones, int window, bool tls)
    {
        var maxima = Maxima(rows, closedScenario, size, phones, window, tls);
        if (maxima.Count == 0)
        {
            return;
        }

        var lowest = maxima.Values.Min();
        var selfScenario = closedScenario == "row" ? "row-self" : "latency-self";
        foreach (var target in TargetNames.Where(IsRelay))
        {
            if (!maxima.TryGetValue(target, out var own))
            {
                continue;
            }

            var same = own <= lowest ? rows.LastOrDefault(r => r.Scenario == openScenario && r.Target == target && r.LoadPct == 75 && r.Size == size
                                                                && r.Phones == phones && r.Window == window && r.Tls == tls) : null;
            if (same is not null)
            {
                rows.Add(same with { Scenario = selfScenario });
                continue;
            }

            TryRun(rows, () => RunOne(selfScenario, target, size, phones, phones, 1, 75, own * 0.75, window, tls));
        }
    }

    /// <summary>Runs one measurement; a worker that fails or times out becomes a note instead of ending the run.</summary>
    private void TryRun(List<LoadRow> rows, Func<LoadRow> measure)
    {
        try
        {
            rows.Add(measure());
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or System.Text.Json.JsonException or IOException)
        {
            Runner.Log($"measurement failed: {ex.Message}");
            Notes.Add($"measurement failed: {ex.Message}");
        }
    }
}
