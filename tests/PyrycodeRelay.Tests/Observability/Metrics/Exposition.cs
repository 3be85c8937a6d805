using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>One sample line: metric name, labels, value.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string LabelText => string.Join(",", Labels.Select(l => $"{l.Key}={l.Value}"));
}

/// <summary>One family: TYPE, HELP and its samples in order.</summary>
internal sealed record Family(string Name, string Type, string Help, IReadOnlyList<Sample> Samples);

/// <summary>
/// A strict parser for Prometheus text format 0.0.4 as the relay writes it: every family has HELP then TYPE
/// before its samples; sample names must belong to the current family (histograms: _bucket, _sum, _count);
/// label values are quoted with \\, \" and \n escapes; no duplicate series; the text ends with LF.
/// Anything else fails the test.
/// </summary>
internal sealed partial class Exposition
{
    private readonly Dictionary<string, Family> _families;

    private Exposition(string text, Dictionary<string, Family> families)
    {
        Text = text;
        _families = families;
    }

    public string Text { get; }

    public IReadOnlyCollection<Family> Families => _families.Values;

    public IEnumerable<string> FamilyNames => _families.Keys;

    public Family this[string name] =>
        _families.TryGetValue(name, out var f) ? f : throw new Xunit.Sdk.XunitException($"family {name} missing; have {string.Join(", ", _families.Keys)}");

    public bool Has(string family) => _families.ContainsKey(family);

    /// <summary>The value of the one series of <paramref name="family"/> (or its <paramref name="suffix"/> sample) with exactly <paramref name="labels"/>.</summary>
    public double Value(string family, string suffix = "", params (string Name, string Value)[] labels)
    {
        var matches = this[family].Samples.Where(s => s.Name == family + suffix && s.Labels.Count == labels.Length
            && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
        return matches.Count == 1
            ? matches[0].Value
            : throw new Xunit.Sdk.XunitException($"{family}{suffix}{{{string.Join(",", labels.Select(l => $"{l.Name}={l.Value}"))}}}: {matches.Count} matches");
    }

    /// <summary>Shorthand for a series without suffix.</summary>
    public double Series(string family, params (string Name, string Value)[] labels) => Value(family, "", labels);

    /// <summary>
    /// The non-zero series of <paramref name="family"/> keyed by their label text in rendering order
    /// (<c>endpoint=server,outcome=accept</c>; "" for no labels); a histogram by its <c>_count</c> samples.
    /// </summary>
    public IReadOnlyDictionary<string, double> NonZero(string family)
    {
        var f = this[family];
        var name = f.Type == "histogram" ? family + "_count" : family;
        return f.Samples.Where(s => s.Name == name && s.Value != 0).ToDictionary(s => s.LabelText, s => s.Value, StringComparer.Ordinal);
    }

    public static Exposition Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        string? help = null, helpName = null, current = null, currentType = null;
        List<Sample>? samples = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = text[..^1].Split('\n');
        foreach (var line in lines)
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                Assert.True(space > 0, $"bad HELP line: {line}");
                helpName = rest[..space];
                help = UnescapeHelp(rest[(space + 1)..]);
                Assert.False(families.ContainsKey(helpName), $"family {helpName} declared twice");
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.True(helpName == parts[0], $"TYPE {parts[0]} not right after its HELP");
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram" });
                current = parts[0];
                currentType = parts[1];
                samples = [];
                families.Add(current, new Family(current, currentType, help!, samples));
                continue;
            }

            Assert.False(line.StartsWith('#'), $"unexpected comment line: {line}");
            var m = SampleLine().Match(line);
            Assert.True(m.Success, $"bad sample line: '{line}'");
            Assert.True(current is not null, $"sample before any TYPE: {line}");
            var name = m.Groups["name"].Value;
            var allowed = currentType == "histogram"
                ? new[] { current + "_bucket", current + "_sum", current + "_count" }
                : new[] { current! };
            Assert.True(allowed.Contains(name), $"sample {name} inside family {current}");
            var labels = ParseLabels(m.Groups["labels"].Value, line);
            var value = m.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            var key = name + "{" + string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
            Assert.True(seen.Add(key), $"duplicate series {key}");
            samples!.Add(new Sample(name, labels, value));
        }

        return new Exposition(text, families);
    }

    private static Dictionary<string, string> ParseLabels(string text, string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf("=\"", i, StringComparison.Ordinal);
            Assert.True(eq > i, $"bad labels in: {line}");
            var name = text[i..eq];
            Assert.Matches(LabelName(), name);
            var value = new StringBuilder();
            var j = eq + 2;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                if (text[j] == '\\')
                {
                    j++;
                    value.Append(text[j] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new Xunit.Sdk.XunitException($"bad escape in: {line}") });
                }
                else
                {
                    value.Append(text[j]);
                }
            }

            Assert.True(j < text.Length, $"unterminated label value in: {line}");
            Assert.True(labels.TryAdd(name, value.ToString()), $"label {name} repeated in: {line}");
            i = j + 1;
            if (i < text.Length)
            {
                Assert.Equal(',', text[i]);
                i++;
            }
        }

        return labels;
    }

    private static string UnescapeHelp(string text) => text.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
