using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>Parses one text-format log line (<c>key=value</c>, Go-quoted values) into ordered pairs.</summary>
public sealed class LogfmtLine
{
    private LogfmtLine(List<KeyValuePair<string, string>> pairs) => Pairs = pairs;

    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; }

    public string this[string key] => Pairs.Single(p => p.Key == key).Value;

    public IEnumerable<string> Keys => Pairs.Select(p => p.Key);

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
