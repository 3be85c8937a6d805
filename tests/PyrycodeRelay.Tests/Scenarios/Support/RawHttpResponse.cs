namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>An HTTP/1.1 response read off a raw socket.</summary>
public sealed record RawHttpResponse(int Status, string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>Every value of header <paramref name="name"/> (case-insensitive).</summary>
    public IReadOnlyList<string> All(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();

    /// <summary>The single value of header <paramref name="name"/>, or null if absent.</summary>
    public string? Header(string name) => All(name).SingleOrDefault();

    /// <inheritdoc />
    public override string ToString() => StatusLine + " | " + string.Join("; ", Headers.Select(h => h.Key + ": " + h.Value)) + $" | body {Body.Length} bytes";
}
