namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// JSON string writing for the json format: <c>"</c>, <c>\</c> and <c>\b \f \n \r \t</c> get short escapes;
/// other C0/C1 controls and U+2028/U+2029 become <c>\u00XX</c>/<c>\u2028</c> so no value can break a line;
/// a lone surrogate becomes <c>\ufffd</c> (as Go's encoder replaces invalid UTF-8). Everything else is kept.
/// </summary>
internal static class JsonEscaping
{
    /// <summary>Appends <paramref name="text"/> as a JSON string literal, quotes included.</summary>
    public static void AppendString(ref LineBuffer buffer, scoped ReadOnlySpan<char> text)
    {
        buffer.Append('"');
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= ' ' and < (char)0x7f and not '"' and not '\\')
            {
                continue;
            }

            if (c >= 0xa0 && !char.IsSurrogate(c) && c is not '\u2028' and not '\u2029')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++; // a valid pair is kept as is
                continue;
            }

            buffer.Append(text[start..i]);
            start = i + 1;
            AppendEscape(ref buffer, c);
        }

        buffer.Append(text[start..]);
        buffer.Append('"');
    }

    private static void AppendEscape(ref LineBuffer buffer, char c)
    {
        switch (c)
        {
            case '"': buffer.Append("\\\""); break;
            case '\\': buffer.Append("\\\\"); break;
            case '\b': buffer.Append("\\b"); break;
            case '\f': buffer.Append("\\f"); break;
            case '\n': buffer.Append("\\n"); break;
            case '\r': buffer.Append("\\r"); break;
            case '\t': buffer.Append("\\t"); break;
            default:
                AppendUnicodeEscape(ref buffer, char.IsSurrogate(c) ? '\ufffd' : c);
                break;
        }
    }

    private static void AppendUnicodeEscape(ref LineBuffer buffer, char c)
    {
        buffer.Append("\\u");
        for (var shift = 12; shift >= 0; shift -= 4)
        {
            buffer.Append("0123456789abcdef"[(c >> shift) & 0xF]);
        }
    }
}
