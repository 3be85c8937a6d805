using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Observability.Metrics;

/// <summary>
/// Builds Prometheus text exposition 0.0.4: <c># HELP</c>, <c># TYPE</c> and sample lines, each ending in
/// LF. Floats are written as Go's <c>strconv.FormatFloat(f, 'g', -1, 64)</c> writes them (the Go relay's
/// client library does the same), so bucket bounds read <c>le="5e-05"</c>, <c>le="0.0001"</c>, <c>le="1"</c>.
/// </summary>
internal sealed class PrometheusTextWriter
{
    private readonly StringBuilder _text = new(16 * 1024);

    /// <summary>The content type of the exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Writes the HELP and TYPE lines of <paramref name="family"/>.</summary>
    public void WriteHeader(MetricFamily family)
    {
        _text.Append("# HELP ").Append(family.Name).Append(' ');
        AppendEscaped(family.Help, quote: false);
        _text.Append("\n# TYPE ").Append(family.Name).Append(' ').Append(family.Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');
    }

    /// <summary>Writes one sample line: name + suffix, the series labels (+ <c>le</c>), the value.</summary>
    public void WriteSample(MetricFamily family, string suffix, int slot, string? le, long value)
    {
        WriteNameAndLabels(family, suffix, slot, le);
        _text.Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Writes one sample line with a float value.</summary>
    public void WriteSample(MetricFamily family, string suffix, int slot, string? le, double value)
    {
        WriteNameAndLabels(family, suffix, slot, le);
        _text.Append(FormatFloat(value)).Append('\n');
    }

    /// <inheritdoc />
    public override string ToString() => _text.ToString();

    /// <summary>Formats like Go's <c>strconv.FormatFloat(value, 'g', -1, 64)</c>, with <c>+Inf</c>/<c>-Inf</c>/<c>NaN</c>.</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return "0";
        }

        // Shortest round-trip digits and the decimal exponent, from .NET's "R" text ("-1.25E-05", "0.0001", "12.5").
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        var body = negative ? r.AsSpan(1) : r.AsSpan();
        var exponent = 0;
        var e = body.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }

        var point = body.IndexOf('.');
        var integerDigits = point >= 0 ? point : body.Length;
        var digits = new StringBuilder(body.Length);
        foreach (var c in body)
        {
            if (c != '.')
            {
                digits.Append(c);
            }
        }

        // value = 0.d1d2...dn × 10^dp (Go's decimal point position).
        var dp = integerDigits + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits.Remove(0, lead);
        dp -= lead;
        while (digits.Length > 1 && digits[^1] == '0')
        {
            digits.Length--;
        }

        var d = digits.ToString();
        var x = dp - 1;
        var result = new StringBuilder(24);
        if (negative)
        {
            result.Append('-');
        }

        if (x < -4 || x >= 6)
        {
            result.Append(d[0]);
            if (d.Length > 1)
            {
                result.Append('.').Append(d, 1, d.Length - 1);
            }

            result.Append('e').Append(x < 0 ? '-' : '+');
            var magnitude = Math.Abs(x);
            if (magnitude < 10)
            {
                result.Append('0');
            }

            result.Append(magnitude.ToString(CultureInfo.InvariantCulture));
        }
        else if (dp <= 0)
        {
            result.Append("0.").Append('0', -dp).Append(d);
        }
        else if (dp >= d.Length)
        {
            result.Append(d).Append('0', dp - d.Length);
        }
        else
        {
            result.Append(d, 0, dp).Append('.').Append(d, dp, d.Length - dp);
        }

        return result.ToString();
    }

    private void WriteNameAndLabels(MetricFamily family, string suffix, int slot, string? le)
    {
        _text.Append(family.Name).Append(suffix);
        var labels = family.Labels;
        if (labels.Count == 0 && le is null)
        {
            _text.Append(' ');
            return;
        }

        _text.Append('{');
        var values = family.LabelValuesOf(slot);
        for (var j = 0; j < labels.Count; j++)
        {
            if (j > 0)
            {
                _text.Append(',');
            }

            _text.Append(labels[j].Name).Append("=\"");
            AppendEscaped(values[j], quote: true);
            _text.Append('"');
        }

        if (le is not null)
        {
            _text.Append(labels.Count > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
        }

        _text.Append("} ");
    }

    private void AppendEscaped(string text, bool quote)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    _text.Append("\\\\");
                    break;
                case '\n':
                    _text.Append("\\n");
                    break;
                case '"' when quote:
                    _text.Append("\\\"");
                    break;
                default:
                    _text.Append(c);
                    break;
            }
        }
    }
}
