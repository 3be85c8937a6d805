using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// Parses one log line into ordered pairs: text format (<c>key=value</c>, Go-quoted values) with
/// <see cref="Parse"/>, json format with <see cref="ParseJson"/>.
/// </summary>
public sealed class LogfmtLine
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

    /// <summary>Parses one text-format line.</summary>
    public static LogfmtLine Parse(string line)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (i < line.Length)
        {
            var eq = line.IndexOf('=', i);
            Assert.True(eq > i, "malformed log line: " + line);
            var key = line[i..eq];
            i = eq + 1;
            string value;
            if (i < line.Length && line[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        switch (line[i])
                        {
                            case 'n': sb.Append('\n'); break;
                            case 't': sb.Append('\t'); break;
                            case 'r': sb.Append('\r'); break;
                            case 'a': sb.Append('\a'); break;
                            case 'b': sb.Append('\b'); break;
                            case 'f': sb.Append('\f'); break;
                            case 'v': sb.Append('\v'); break;
                            case 'x': sb.Append((char)int.Parse(line.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); i += 2; break;
                            case 'u': sb.Append((char)int.Parse(line.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); i += 4; break;
                            default: sb.Append(line[i]); break;
                        }
                    }
                    else
                    {
                        sb.Append(line[i]);
                    }

                    i++;
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                var end = line.IndexOf(' ', i);
                end = end < 0 ? line.Length : end;
                value = line[i..end];
                i = end;
            }

            pairs.Add(new(key, value));
            if (i < line.Length)
            {
                Assert.Equal(' ', line[i]);
                i++;
            }
        }

        return new LogfmtLine(pairs);
    }
}
