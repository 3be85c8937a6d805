using System.Text.Json;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// One line of the relay's log output as ordered pairs: text format (<c>key=value</c>, Go-quoted values) with
/// <see cref="Parse(string)"/>, json format with <see cref="ParseJson"/>.
/// </summary>
internal sealed class LogfmtLine
{
    private LogfmtLine(List<KeyValuePair<string, string>> pairs) => Pairs = pairs;

    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; }

    public string this[string key] => Pairs.Single(p => p.Key == key).Value;

    public IEnumerable<string> Keys => Pairs.Select(p => p.Key);

    /// <summary>Whether the line has <paramref name="key"/>.</summary>
    public bool Has(string key) => Pairs.Any(p => p.Key == key);

    /// <summary><c>level</c> and <c>msg</c> joined by a space, e.g. <c>INFO starting</c>.</summary>
    public string LevelMsg => this["level"] + " " + this["msg"];

    /// <inheritdoc />
    public override string ToString() => string.Join(' ', Pairs.Select(p => p.Key + "=" + p.Value));

    /// <summary>Parses a line in the given <c>--log-format</c>.</summary>
    public static LogfmtLine Parse(string line, string format) => format == "json" ? ParseJson(line) : Parse(line);

    /// <summary>
    /// Parses one json-format line: it must be exactly one JSON object (nothing before or after it) with
    /// no duplicate keys. String values are unescaped; other values keep their JSON text.
    /// </summary>
    public static LogfmtLine ParseJson(string line)
    {
        using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        Assert.True(doc.RootElement.ValueKind == JsonValueKind.Object, "not a JSON object: " + line);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            Assert.DoesNotContain(pairs, q => q.Key == p.Name);
            pairs.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
        }

        return new LogfmtLine(pairs);
    }

    /// <summary>Parses one text-format line with the strict <see cref="TextLineParser"/>.</summary>
    public static LogfmtLine Parse(string line) => new(TextLineParser.Parse(line));
}
