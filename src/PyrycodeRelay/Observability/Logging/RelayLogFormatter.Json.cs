using Microsoft.Extensions.Logging;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Observability.Logging;

/// <content>The json format: <c>{"time":"&lt;ts&gt;","level":"&lt;LEVEL&gt;","msg":"&lt;msg&gt;","key":value,…}</c>.</content>
internal static partial class RelayLogFormatter
{
    private static void WriteJson(
        ref LineBuffer buffer,
        DateTimeOffset time,
        LogLevel level,
        scoped ReadOnlySpan<char> msg,
        IReadOnlyList<KeyValuePair<string, object?>>? fields,
        Exception? exception)
    {
        buffer.Append("{\"time\":\"");
        AppendTimestamp(ref buffer, time);
        buffer.Append("\",\"level\":\"");
        buffer.Append(LevelText(level));
        buffer.Append("\",\"msg\":");
        JsonEscaping.AppendString(ref buffer, msg);

        if (fields is not null)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                if (field.Key == OriginalFormatKey)
                {
                    continue;
                }

                buffer.Append(',');
                JsonEscaping.AppendString(ref buffer, field.Key);
                buffer.Append(':');
                AppendJsonValue(ref buffer, field.Value);
            }
        }

        if (ExtraErr(fields, exception) is { } err)
        {
            buffer.Append(",\"err\":");
            JsonEscaping.AppendString(ref buffer, err);
        }

        buffer.Append("}\n");
    }

    private static void AppendJsonValue(ref LineBuffer buffer, object? value)
    {
        switch (value)
        {
            case null:
                buffer.Append("\"\"");
                break;
            case string s:
                JsonEscaping.AppendString(ref buffer, s);
                break;
            case bool b:
                buffer.Append(b ? "true" : "false");
                break;
            case TimeSpan duration:
                Span<char> go = stackalloc char[40];
                var n = GoDuration.Format(duration, go);
                JsonEscaping.AppendString(ref buffer, go[^n..]);
                break;
            case Exception e:
                JsonEscaping.AppendString(ref buffer, e.Message);
                break;
            case IEnumerable<int> list:
                buffer.Append('[');
                var first = true;
                foreach (var item in list)
                {
                    if (!first)
                    {
                        buffer.Append(',');
                    }

                    first = false;
                    AppendInt32(ref buffer, item);
                }

                buffer.Append(']');
                break;
            default:
                if (!TryAppendInteger(ref buffer, value))
                {
                    JsonEscaping.AppendString(ref buffer, OtherText(value));
                }

                break;
        }
    }
}
