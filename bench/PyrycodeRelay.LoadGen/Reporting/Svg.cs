using System.Globalization;
using System.Text;

namespace PyrycodeRelay.LoadGen.Reporting;

/// <summary>A hand-written SVG line chart with panels (no plotting dependency).</summary>
internal sealed class Svg(int width, int height)
{
    private readonly StringBuilder _sb = new();

    public static readonly Dictionary<string, string> Colors = new(StringComparer.Ordinal)
    {
        ["relay"] = "#d62728",
        ["nginx"] = "#1f77b4",
        ["direct"] = "#2ca02c",
    };

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>One series: its points (x category index, y), colour and dash pattern.</summary>
    public sealed record Series(string Label, string Color, bool Dashed, IReadOnlyList<(int X, double Y)> Points);

    /// <summary>Draws a panel at (x, y) of size w×h with categorical x labels.</summary>
    public void Panel(int x, int y, int w, int h, string title, string yLabel, string[] xLabels, string xTitle, IReadOnlyList<Series> series)
    {
        const int left = 62, right = 10, top = 28, bottom = 42;
        var pw = w - left - right;
        var ph = h - top - bottom;
        var ox = x + left;
        var oy = y + top;
        var max = series.SelectMany(s => s.Points).Select(p => p.Y).DefaultIfEmpty(1).Max();
        var step = NiceStep(max / 5);
        var yMax = Math.Ceiling(max / step) * step;
        if (yMax <= 0)
        {
            yMax = 1;
        }

        _sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (w / 2)}\" y=\"{y + 16}\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{title}</text>\n");
        for (var v = 0.0; v <= yMax + (step / 2); v += step)
        {
            var py = oy + ph - (v / yMax * ph);
            _sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{ox}\" y1=\"{F(py)}\" x2=\"{ox + pw}\" y2=\"{F(py)}\" stroke=\"#ddd\"/>\n");
            _sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{ox - 6}\" y=\"{F(py + 4)}\" text-anchor=\"end\" font-size=\"11\">{Short(v)}</text>\n");
        }

        _sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{ox}\" y=\"{oy}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#444\"/>\n");
        double Px(int i) => ox + (xLabels.Length == 1 ? pw / 2.0 : 20 + (i * (pw - 40.0) / (xLabels.Length - 1)));
        for (var i = 0; i < xLabels.Length; i++)
        {
            _sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Px(i))}\" y=\"{oy + ph + 16}\" text-anchor=\"middle\" font-size=\"11\">{xLabels[i]}</text>\n");
        }

        _sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{ox + (pw / 2)}\" y=\"{oy + ph + 34}\" text-anchor=\"middle\" font-size=\"12\">{xTitle}</text>\n");
        _sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate({x + 14},{oy + (ph / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">{yLabel}</text>\n");
        foreach (var s in series)
        {
            var points = string.Join(' ', s.Points.Select(p => $"{F(Px(p.X))},{F(oy + ph - (p.Y / yMax * ph))}"));
            var dash = s.Dashed ? " stroke-dasharray=\"6,4\"" : "";
            _sb.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"{dash}/>\n");
            foreach (var p in s.Points)
            {
                _sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(Px(p.X))}\" cy=\"{F(oy + ph - (p.Y / yMax * ph))}\" r=\"3\" fill=\"{s.Color}\"/>\n");
            }
        }
    }

    /// <summary>A legend row.</summary>
    public void Legend(int x, int y, IReadOnlyList<(string Label, string Color, bool Dashed)> items)
    {
        foreach (var (label, color, dashed) in items)
        {
            var dash = dashed ? " stroke-dasharray=\"6,4\"" : "";
            _sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{y}\" x2=\"{x + 28}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n");
            _sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 34}\" y=\"{y + 4}\" font-size=\"12\">{label}</text>\n");
            x += 40 + (label.Length * 7);
        }
    }

    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\">\n" +
        $"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{_sb}</svg>\n";

    private static double NiceStep(double raw)
    {
        if (raw <= 0)
        {
            return 1;
        }

        var mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var n = raw / mag;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
    }

    private static string Short(double v) => v >= 1e6 ? F(v / 1e6) + "M" : v >= 1e3 ? F(v / 1e3) + "k" : F(v);
}
