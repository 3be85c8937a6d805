using Microsoft.Extensions.Logging;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Observability.Logging;

/// <content>The text format: <c>time=&lt;ts&gt; level=&lt;LEVEL&gt; msg=&lt;msg&gt; key=value …</c>.</content>
internal static partial class RelayLogFormatter
{
    private static void WriteText(
        ref LineBuffer buffer,
        DateTimeOffset time,
        LogLevel level,
        scoped ReadOnlySpan<char> msg,
        IReadOnlyList<KeyValuePair<string, object?>>? fields,
        Exception? exception)
    {
        buffer.Append("time=");
        AppendTimestamp(ref buffer, time);
        buffer.Append(" level=");
        buffer.Append(LevelText(level));
        buffer.Append(" msg=");
        TextQuoting.Append(ref buffer, msg);

        if (fields is not null)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                if (field.Key == OriginalFormatKey)
                {
                    continue;
                }

                buffer.Append(' ');
                TextQuoting.Append(ref buffer, field.Key);
                buffer.Append('=');
                AppendTextValue(ref buffer, field.Value);
            }
        }

        if (ExtraErr(fields, exception) is { } err)
        {
            buffer.Append(" err=");
            TextQuoting.Append(ref buffer, err);
        }

        buffer.Append('\n');
    }

    private static void AppendTextValue(ref LineBuffer buffer, object? value)
    {
        switch (value)
        {
            case null:
                buffer.Append("\"\"");
                break;
            case string s:
                TextQuoting.Append(ref buffer, s);
                break;
            case bool b:
                buffer.Append(b ? "true" : "false");
                break;
            case TimeSpan duration:
                Span<char> go = stackalloc char[40];
                var n = GoDuration.Format(duration, go);
                TextQuoting.Append(ref buffer, go[^n..]);
                break;
            case Exception e:
                TextQuoting.Append(ref buffer, e.Message);
                break;
            case IEnumerable<int> list:
                AppendTextIntList(ref buffer, list);
                break;
            default:
                if (!TryAppendInteger(ref buffer, value))
                {
                    TextQuoting.Append(ref buffer, OtherText(value));
                }

                break;
        }
    }

    /// <summary><c>[80 443]</c>; like any other value it is quoted when it contains a space.</summary>
    private static void AppendTextIntList(ref LineBuffer buffer, IEnumerable<int> list)
    {
        var inner = new LineBuffer(64);
        try
        {
            inner.Append('[');
            var first = true;
            foreach (var item in list)
            {
                if (!first)
                {
                    inner.Append(' ');
                }

                first = false;
                AppendInt32(ref inner, item);
            }

            inner.Append(']');
            TextQuoting.Append(ref buffer, inner.Written);
        }
        finally
        {
            inner.Dispose();
        }
    }
}
