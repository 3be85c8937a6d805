using System.Text;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// Caps for attacker-controlled log values (issue 13 finding 5; docs/logging.md): a conn_id, binary_version or device
/// name longer than <see cref="MaxChars"/> is cut there and marked with <c>...</c>, so one client cannot make one line
/// arbitrarily long. Shorter values are logged unchanged.
/// </summary>
internal static class LogText
{
    /// <summary>Longest value kept whole.</summary>
    public const int MaxChars = 128;

    /// <summary>The mark appended to a cut value.</summary>
    public const string CutMark = "...";

    /// <summary><paramref name="value"/>, or its first <see cref="MaxChars"/> characters (a surrogate pair is not split) and <see cref="CutMark"/>.</summary>
    public static string Cap(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= MaxChars)
        {
            return value;
        }

        var keep = char.IsHighSurrogate(value[MaxChars - 1]) ? MaxChars - 1 : MaxChars;
        return string.Concat(value.AsSpan(0, keep), CutMark);
    }

    /// <summary>UTF-8 bytes as a capped string; only the first bytes that can matter are decoded.</summary>
    public static string Cap(ReadOnlySpan<byte> utf8) =>
        Cap(Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, (MaxChars + 1) * 4)]));
}
