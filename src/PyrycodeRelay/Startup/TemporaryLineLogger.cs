using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Cli;
using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Startup;

/// <summary>
/// TEMPORARY (see <see cref="TemporaryLogging"/>): writes one line per event,
/// <c>time=… level=… msg=&lt;event name&gt; key=value …</c> (or a JSON object), quoting values as §18.1 says.
/// </summary>
public sealed class TemporaryLineLogger(TextWriter writer, bool json, TimeProvider time) : ILogger
{
    private static readonly Lock Gate = new();

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var ts = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var level = logLevel switch
        {
            LogLevel.Information => "INFO",
            LogLevel.Warning => "WARN",
            LogLevel.Error or LogLevel.Critical => "ERROR",
            _ => "DEBUG",
        };
        var msg = eventId.Name ?? formatter(state, exception);
        var fields = new List<KeyValuePair<string, object?>>();
        if (state is IReadOnlyList<KeyValuePair<string, object?>> kvs)
        {
            foreach (var kv in kvs)
            {
                if (kv.Key != "{OriginalFormat}")
                {
                    fields.Add(kv);
                }
            }
        }

        var line = json ? Json(ts, level, msg, fields) : Text(ts, level, msg, fields);
        lock (Gate)
        {
            writer.Write(line);
            writer.Flush();
        }
    }

    private static string Text(string ts, string level, string msg, List<KeyValuePair<string, object?>> fields)
    {
        var sb = new StringBuilder();
        sb.Append("time=").Append(ts).Append(" level=").Append(level).Append(" msg=").Append(QuoteIfNeeded(msg));
        foreach (var (key, value) in fields)
        {
            sb.Append(' ').Append(key).Append('=').Append(value switch
            {
                null => "<nil>",
                string s => QuoteIfNeeded(s),
                bool b => b ? "true" : "false",
                TimeSpan d => GoDuration.Format(d),
                IEnumerable<int> ports => ListenerChecks.FormatPorts(ports),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => QuoteIfNeeded(value.ToString() ?? ""),
            });
        }

        return sb.Append('\n').ToString();
    }

    private static string QuoteIfNeeded(string s)
    {
        var needs = s.Length == 0;
        foreach (var c in s)
        {
            needs |= c is ' ' or '=' or '"' || char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c);
        }

        return needs ? GoQuote.Quote(s) : s;
    }

    private static string Json(string ts, string level, string msg, List<KeyValuePair<string, object?>> fields)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("time", ts);
            w.WriteString("level", level);
            w.WriteString("msg", msg);
            foreach (var (key, value) in fields)
            {
                switch (value)
                {
                    case null: w.WriteNull(key); break;
                    case string s: w.WriteString(key, s); break;
                    case bool b: w.WriteBoolean(key, b); break;
                    case int i: w.WriteNumber(key, i); break;
                    case long l: w.WriteNumber(key, l); break;
                    case TimeSpan d: w.WriteString(key, GoDuration.Format(d)); break;
                    case IEnumerable e:
                        w.WriteStartArray(key);
                        foreach (var item in e)
                        {
                            w.WriteNumberValue(Convert.ToInt64(item, CultureInfo.InvariantCulture));
                        }

                        w.WriteEndArray();
                        break;
                    default: w.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
