using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// Formats one log event as one line (newline included) in the text or json format of docs/logging.md#formats.
/// Fields are written in the order given; the <c>{OriginalFormat}</c> entry of <c>[LoggerMessage]</c> state
/// is skipped.
/// </summary>
internal static partial class RelayLogFormatter
{
    /// <summary>The state key under which Microsoft.Extensions.Logging passes the message template.</summary>
    public const string OriginalFormatKey = "{OriginalFormat}";

    private const string TimestampFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";

    /// <summary>
    /// Appends the line for one event. <paramref name="exception"/>, when given and no <c>err</c> field is
    /// present, is written as a trailing <c>err</c> field carrying its message.
    /// </summary>
    public static void Write(
        ref LineBuffer buffer,
        RelayLogFormat format,
        DateTimeOffset time,
        LogLevel level,
        scoped ReadOnlySpan<char> msg,
        IReadOnlyList<KeyValuePair<string, object?>>? fields,
        Exception? exception)
    {
        if (format == RelayLogFormat.Json)
        {
            WriteJson(ref buffer, time, level, msg, fields, exception);
        }
        else
        {
            WriteText(ref buffer, time, level, msg, fields, exception);
        }
    }

    /// <summary>The level text: <c>DEBUG</c> (Trace, Debug), <c>INFO</c>, <c>WARN</c>, <c>ERROR</c> (Error, Critical).</summary>
    public static string LevelText(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    private static void AppendTimestamp(ref LineBuffer buffer, DateTimeOffset time)
    {
        var span = buffer.GetSpan(32);
        time.UtcDateTime.TryFormat(span, out var written, TimestampFormat, CultureInfo.InvariantCulture);
        buffer.Advance(written);
    }

    /// <summary>The error field to add for <paramref name="exception"/>, or null when there is none to add.</summary>
    private static string? ExtraErr(IReadOnlyList<KeyValuePair<string, object?>>? fields, Exception? exception)
    {
        if (exception is null)
        {
            return null;
        }

        if (fields is not null)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                if (fields[i].Key == "err")
                {
                    return null;
                }
            }
        }

        return exception.Message;
    }

    /// <summary>Appends a signed or unsigned integer of any width; false when <paramref name="value"/> is not one.</summary>
    private static bool TryAppendInteger(ref LineBuffer buffer, object value)
    {
        var span = buffer.GetSpan(24);
        var inv = CultureInfo.InvariantCulture;
        int written;
        switch (value)
        {
            case int v: v.TryFormat(span, out written, default, inv); break;
            case long v: v.TryFormat(span, out written, default, inv); break;
            case short v: v.TryFormat(span, out written, default, inv); break;
            case sbyte v: v.TryFormat(span, out written, default, inv); break;
            case byte v: v.TryFormat(span, out written, default, inv); break;
            case ushort v: v.TryFormat(span, out written, default, inv); break;
            case uint v: v.TryFormat(span, out written, default, inv); break;
            case ulong v: v.TryFormat(span, out written, default, inv); break;
            default: return false;
        }

        buffer.Advance(written);
        return true;
    }

    private static void AppendInt32(ref LineBuffer buffer, int value)
    {
        var span = buffer.GetSpan(12);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        buffer.Advance(written);
    }

    /// <summary>Text of a value that has no dedicated rendering: invariant-culture <c>ToString</c>.</summary>
    private static string OtherText(object value) =>
        (value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value.ToString())
        ?? string.Empty;
}
