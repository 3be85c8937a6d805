using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PyrycodeRelay.Check;

/// <summary>The outcome of <c>pyrycode-relay check</c>: each step, the round-trip latencies, text and JSON renderings.</summary>
internal sealed class CheckReport(CheckOptions options, string serverId)
{
    private readonly List<(string Name, bool Ok, string Detail)> _steps = [];
    private readonly List<double> _latenciesMs = [];

    /// <summary>Every step passed (and at least one ran).</summary>
    public bool Healthy => _steps.Count > 0 && _steps.TrueForAll(s => s.Ok);

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<(string Name, bool Ok, string Detail)> Steps => _steps;

    /// <summary>Round-trip latencies in milliseconds, in order.</summary>
    public IReadOnlyList<double> LatenciesMs => _latenciesMs;

    /// <summary>Records a step.</summary>
    public void Add(string name, bool ok, string detail) => _steps.Add((name, ok, detail));

    /// <summary>Records one round trip.</summary>
    public void AddLatency(TimeSpan elapsed) => _latenciesMs.Add(elapsed.TotalMilliseconds);

    /// <summary>Nearest-rank percentile <paramref name="p"/> (0–100) of the latencies; 0 without any.</summary>
    public double Percentile(double p)
    {
        if (_latenciesMs.Count == 0)
        {
            return 0;
        }

        var sorted = _latenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The text report: one line per step, the latency line, then <c>healthy</c> or <c>unhealthy</c>.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append("check ").Append(options.Url.GetLeftPart(UriPartial.Authority)).Append(" server-id ").Append(serverId).Append('\n');
        foreach (var (name, ok, detail) in _steps)
        {
            sb.Append(ok ? "ok   " : "FAIL ").Append(name).Append(": ").Append(detail).Append('\n');
        }

        if (_latenciesMs.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"round-trip latency ms ({_latenciesMs.Count} frames): p50={Percentile(50):0.000} p90={Percentile(90):0.000} p99={Percentile(99):0.000} max={Percentile(100):0.000}\n");
        }

        sb.Append(Healthy ? "healthy\n" : "unhealthy\n");
        return sb.ToString();
    }

    /// <summary>The JSON report (one line).</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("url", options.Url.GetLeftPart(UriPartial.Authority));
            w.WriteBoolean("healthy", Healthy);
            w.WriteString("server_id", serverId);
            w.WriteStartArray("checks");
            foreach (var (name, ok, detail) in _steps)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteBoolean("ok", ok);
                w.WriteString("detail", detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("frames", _latenciesMs.Count);
            w.WriteStartArray("sizes");
            foreach (var size in options.Sizes)
            {
                w.WriteNumberValue(size);
            }

            w.WriteEndArray();
            w.WriteStartObject("latency_ms");
            w.WriteNumber("p50", Math.Round(Percentile(50), 3));
            w.WriteNumber("p90", Math.Round(Percentile(90), 3));
            w.WriteNumber("p99", Math.Round(Percentile(99), 3));
            w.WriteNumber("max", Math.Round(Percentile(100), 3));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }
}
