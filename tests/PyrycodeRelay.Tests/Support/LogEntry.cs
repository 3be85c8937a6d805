using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Support;

/// <summary>One captured log event: level, event name (the relay's <c>msg</c>) and its keys in order.</summary>
public sealed record LogEntry(LogLevel Level, string Name, IReadOnlyList<KeyValuePair<string, object?>> Fields)
{
    /// <summary>The value of <paramref name="key"/> as text, or null.</summary>
    public string? this[string key] => Fields.FirstOrDefault(f => f.Key == key).Value switch
    {
        null => Fields.Any(f => f.Key == key) ? "" : null,
        var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public override string ToString() => $"{Level} {Name} " + string.Join(" ", Fields.Select(f => $"{f.Key}={f.Value}"));
}
