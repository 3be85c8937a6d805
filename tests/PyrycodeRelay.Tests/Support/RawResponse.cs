using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>One HTTP/1.1 response exactly as received: status line, header lines in order, body bytes.</summary>
internal sealed record RawResponse(string StatusLine, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    /// <summary>The status code.</summary>
    public int Status => int.Parse(StatusLine.Split(' ')[1], CultureInfo.InvariantCulture);

    /// <summary>The body as UTF-8.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>Every value of <paramref name="name"/> (case-insensitive), in order.</summary>
    public IReadOnlyList<string> All(string name) =>
        [.. Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];

    /// <summary>The single value of <paramref name="name"/> (null when absent; fails when repeated).</summary>
    public string? Header(string name)
    {
        var values = All(name);
        Assert.True(values.Count <= 1, $"header {name} repeated");
        return values.Count == 0 ? null : values[0];
    }

    /// <summary>The header names, lower case, sorted.</summary>
    public IEnumerable<string> HeaderNames => Headers.Select(h => h.Name.ToLowerInvariant()).Order(StringComparer.Ordinal);

    /// <summary>Parses a response head (<paramref name="head"/>, without the blank line) and its body.</summary>
    public static RawResponse Parse(string head, byte[] body)
    {
        var lines = head.Split("\r\n");
        var headers = lines.Skip(1).Select(l =>
        {
            var colon = l.IndexOf(':', StringComparison.Ordinal);
            return (l[..colon], l[(colon + 1)..].Trim());
        }).ToList();
        return new RawResponse(lines[0], headers, body);
    }

    /// <summary>Parses everything a server sent before it closed: one head, and every byte after it as the body.</summary>
    public static RawResponse Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete response head in {bytes.Length} bytes");
        return Parse(text[..end], bytes[(end + 4)..]);
    }

    /// <inheritdoc />
    public override string ToString() => StatusLine + " | " + string.Join("; ", Headers.Select(h => h.Name + ": " + h.Value)) + " | body=" + BodyText;
}
