using System.Text.Json;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>deploy/grafana/pyrycode-relay.json queries only catalogue families and labels.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public void Dashboard_UsesOnlyCatalogueFamiliesAndLabels()
    {
        var path = Path.Combine(RepoRoot(), "deploy", "grafana", "pyrycode-relay.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var exprs = doc.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
        Assert.NotEmpty(exprs);

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expr in exprs)
        {
            foreach (Match m in MetricName().Matches(expr))
            {
                var name = m.Value;
                var family = name.EndsWith("_bucket", StringComparison.Ordinal) ? name[..^7] : name;
                Assert.True(SpecCatalogue.Families.ContainsKey(family), $"{name} is not a catalogue family: {expr}");
                used.Add(family);
                foreach (Match by in ByClause().Matches(expr))
                {
                    foreach (var label in by.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries))
                    {
                        Assert.True(label == "le" || label == "instance" || SpecCatalogue.Families.Values.Any(f => f.Labels.Contains(label)),
                            $"label {label} is not a catalogue label: {expr}");
                    }
                }
            }
        }

        // Every family the issue asks for is on the dashboard.
        Assert.Superset(new HashSet<string>(SpecCatalogue.Families.Keys, StringComparer.Ordinal), used);
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "pyrycode-relay.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root (pyrycode-relay.slnx) not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("pyrycode_relay_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"by \(([a-z_, ]+)\)")]
    private static partial Regex ByClause();
}
