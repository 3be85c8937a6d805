using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// One captured log event: category, level, event id (its name is the relay's <c>msg</c>), the formatted
/// message, the structured state exactly as logged (template values and <c>{OriginalFormat}</c>) and the
/// exception text.
/// </summary>
internal sealed record LogEntry(
    string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State, string? Exception)
{
    private const string OriginalFormat = "{OriginalFormat}";

    /// <summary>The event name (the relay's <c>msg</c>), or the formatted message for an unnamed event.</summary>
    public string Name => EventId.Name ?? Message;

    /// <summary>The event name, null for an unnamed event.</summary>
    public string? EventName => EventId.Name;

    /// <summary>The structured fields in order, without <c>{OriginalFormat}</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Fields => [.. State.Where(kv => kv.Key != OriginalFormat)];

    /// <summary>The field names in order.</summary>
    public IReadOnlyList<string> Keys => [.. Fields.Select(kv => kv.Key)];

    /// <summary>The value of <paramref name="key"/> as invariant text ("" for a null value), or null when absent.</summary>
    public string? this[string key] => Fields.Any(f => f.Key == key) ? Text(Value(key)) : null;

    /// <summary>The value of <paramref name="key"/> as logged (null when absent).</summary>
    public object? Value(string key) => Fields.FirstOrDefault(f => f.Key == key).Value;

    /// <inheritdoc />
    public override string ToString() => $"{Level} {Name} " + string.Join(" ", Fields.Select(f => $"{f.Key}={f.Value}"));

    /// <summary>Everything a log sink could print, joined: for "never appears" checks.</summary>
    public string AllText() =>
        $"{Category} {Level} {EventId.Id} {EventId.Name} {Message} {string.Join(" ", State.Select(kv => $"{kv.Key}={kv.Value}"))} {Exception}";

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
