using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>
/// deploy/prometheus/alerts.yml (docs/metrics.md#alert-rules): it queries only catalogue families and labels, and
/// Prometheus's own <c>promtool</c> accepts it and fires each tested alert (alerts.test.yml).
/// </summary>
public sealed partial class AlertRulesTests
{
    private static readonly string Dir = Path.Combine(DashboardTests.RepoRoot(), "deploy", "prometheus");

    [Fact]
    public void Rules_use_only_catalogue_families_and_labels()
    {
        var text = File.ReadAllText(Path.Combine(Dir, "alerts.yml"));
        var names = MetricName().Matches(text).Select(m => m.Value.EndsWith("_bucket", StringComparison.Ordinal) ? m.Value[..^7] : m.Value).ToHashSet();
        Assert.True(names.Count >= 8, string.Join(", ", names));
        Assert.All(names, n => Assert.True(SpecCatalogue.Families.ContainsKey(n), $"{n} is not a catalogue family"));
        foreach (Match by in ByClause().Matches(text))
        {
            foreach (var label in by.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries))
            {
                Assert.True(label is "le" or "instance" || SpecCatalogue.Families.Values.Any(f => f.Labels.Contains(label)), $"label {label}");
            }
        }
    }

    [Fact]
    public async Task Promtool_checks_the_rules_and_their_unit_tests_pass()
    {
        Assert.True(File.Exists("/usr/bin/promtool") || File.Exists("/usr/local/bin/promtool"),
            "promtool not found: run `apt-get install --no-install-recommends prometheus` (.ci/run does)");
        Assert.Equal((0, "SUCCESS: 10 rules found"), await PromtoolAsync("check", "rules", "alerts.yml"));
        var (code, output) = await PromtoolAsync("test", "rules", "alerts.test.yml");
        Assert.True(code == 0, output);
    }

    private static async Task<(int Code, string Output)> PromtoolAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("promtool") { WorkingDirectory = Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        var output = (await stdout + await stderr).Trim();
        return (process.ExitCode, args[0] == "check" ? output.Split('\n')[^1].Trim() : output);
    }

    [GeneratedRegex("pyrycode_relay_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"by \(([a-z_, ]+)\)")]
    private static partial Regex ByClause();
}
