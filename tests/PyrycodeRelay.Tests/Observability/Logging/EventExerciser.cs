using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.GoCompat;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>What one invocation of an event must produce.</summary>
/// <param name="Level">The level text.</param>
/// <param name="Msg">The msg.</param>
/// <param name="Fields">Key, argument value, in order.</param>
internal sealed record ExpectedLine(string Level, string Msg, IReadOnlyList<KeyValuePair<string, object?>> Fields);

/// <summary>
/// Invokes a <c>[LoggerMessage]</c> method through the real provider with synthetic arguments and checks the
/// resulting line: exactly one line, keys in template order, each value rendered per docs/logging.md#formats.
/// </summary>
internal static class EventExerciser
{
    private static readonly TimeSpan Duration = TimeSpan.FromTicks(1_523_000);

    /// <summary>
    /// Invokes <paramref name="e"/>. False with a null reason when the event is legitimately not written
    /// (below INFO); false with a reason when it cannot be invoked (not static, no ILogger parameter).
    /// </summary>
    public static bool TryInvoke(LoggedEvent e, LogCapture log, out ExpectedLine? expected, out string? skipReason)
    {
        expected = null;
        skipReason = null;
        var method = e.Method;
        if (!method.IsStatic)
        {
            skipReason = "instance [LoggerMessage] methods cannot be exercised; declare events static with an ILogger parameter";
            return false;
        }

        var level = e.Attribute.Level;
        var parameters = method.GetParameters();
        var args = new object?[parameters.Length];
        var hasLogger = false;
        Exception? exception = null;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (typeof(ILogger).IsAssignableFrom(p.ParameterType))
            {
                args[i] = p.ParameterType == typeof(ILogger) ? log.Logger : TypedLogger(p.ParameterType, log.Factory);
                hasLogger = true;
            }
            else if (p.ParameterType == typeof(LogLevel))
            {
                level = LogLevel.Warning;
                args[i] = level;
            }
            else
            {
                args[i] = Sample(p.ParameterType, p.Name ?? "x", i);
                if (args[i] is Exception ex && !e.Keys.Contains(p.Name ?? string.Empty, StringComparer.OrdinalIgnoreCase))
                {
                    exception = ex;
                }
            }
        }

        if (!hasLogger)
        {
            skipReason = "no ILogger parameter";
            return false;
        }

        method.Invoke(null, args);
        if (level < LogLevel.Information)
        {
            return false;
        }

        var fields = new List<KeyValuePair<string, object?>>();
        foreach (var key in e.Keys)
        {
            var index = Array.FindIndex(parameters, p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));
            fields.Add(new(key, index >= 0 ? args[index] : null));
        }

        if (exception is not null && !e.Keys.Contains("err"))
        {
            fields.Add(new("err", exception));
        }

        var msg = string.IsNullOrEmpty(e.Attribute.EventName)
            ? RelayLogger.StripPlaceholders(e.Attribute.Message)
            : e.Attribute.EventName;
        expected = new(LevelText(level), msg, fields);
        return true;
    }

    /// <summary>Null when <paramref name="lines"/> is exactly the expected line; otherwise what is wrong.</summary>
    public static string? Check(RelayLogFormat format, IReadOnlyList<string> lines, ExpectedLine expected)
    {
        if (lines.Count != 1)
        {
            return $"expected one line, got {lines.Count}";
        }

        var line = lines[0];
        var expectedKeys = new List<string> { "time", "level", "msg" };
        expectedKeys.AddRange(expected.Fields.Select(f => f.Key));
        try
        {
            return format == RelayLogFormat.Json ? CheckJson(line, expected, expectedKeys) : CheckText(line, expected, expectedKeys);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return $"does not parse ({ex.Message}): {line}";
        }
    }

    private static string? CheckText(string line, ExpectedLine expected, List<string> expectedKeys)
    {
        var fields = TextLineParser.Parse(line);
        if (!fields.Select(f => f.Key).SequenceEqual(expectedKeys))
        {
            return $"keys {string.Join(',', fields.Select(f => f.Key))}: {line}";
        }

        if (fields[0].Value != "2026-06-01T12:00:00.123Z" || fields[1].Value != expected.Level || fields[2].Value != expected.Msg)
        {
            return $"time/level/msg wrong: {line}";
        }

        for (var i = 0; i < expected.Fields.Count; i++)
        {
            var want = TextOf(expected.Fields[i].Value);
            if (fields[i + 3].Value != want)
            {
                return $"{expected.Fields[i].Key}: '{fields[i + 3].Value}' instead of '{want}'";
            }
        }

        return null;
    }

    private static string? CheckJson(string line, ExpectedLine expected, List<string> expectedKeys)
    {
        using var doc = JsonDocument.Parse(line);
        var props = doc.RootElement.EnumerateObject().ToList();
        if (!props.Select(p => p.Name).SequenceEqual(expectedKeys))
        {
            return $"keys {string.Join(',', props.Select(p => p.Name))}: {line}";
        }

        if (props[0].Value.GetString() != "2026-06-01T12:00:00.123Z" || props[1].Value.GetString() != expected.Level
            || props[2].Value.GetString() != expected.Msg)
        {
            return $"time/level/msg wrong: {line}";
        }

        for (var i = 0; i < expected.Fields.Count; i++)
        {
            var value = expected.Fields[i].Value;
            var actual = props[i + 3].Value;
            var ok = value switch
            {
                bool b => actual.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
                int or long or short or sbyte or byte or ushort or uint or ulong =>
                    actual.ValueKind == JsonValueKind.Number && actual.GetRawText() == TextOf(value),
                IEnumerable<int> list =>
                    actual.ValueKind == JsonValueKind.Array && actual.EnumerateArray().Select(x => x.GetInt32()).SequenceEqual(list),
                _ => actual.ValueKind == JsonValueKind.String && actual.GetString() == TextOf(value),
            };
            if (!ok)
            {
                return $"{expected.Fields[i].Key}: {actual.GetRawText()} for {TextOf(value)}";
            }
        }

        return null;
    }

    /// <summary>The text a value must read as after unquoting.</summary>
    private static string TextOf(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        TimeSpan t => GoDuration.Format(t),
        Exception ex => ex.Message,
        IEnumerable<int> list => "[" + string.Join(' ', list) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static object? Sample(Type type, string name, int index)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            return $"v{index} \"{name}\" x=y\n";
        }

        if (t == typeof(bool))
        {
            return true;
        }

        if (t == typeof(TimeSpan))
        {
            return Duration;
        }

        if (t == typeof(int[]) || (t.IsInterface && t.IsGenericType && t.GetGenericArguments()[0] == typeof(int) && t.IsAssignableFrom(typeof(int[]))))
        {
            return new[] { 80, 443 };
        }

        if (typeof(Exception).IsAssignableFrom(t))
        {
            return new InvalidOperationException("relay: boom");
        }

        if (t.IsPrimitive && t != typeof(char) && t != typeof(double) && t != typeof(float) && t != typeof(nint) && t != typeof(nuint))
        {
            return Convert.ChangeType(100 + index, t, CultureInfo.InvariantCulture);
        }

        return t.IsValueType ? Activator.CreateInstance(t) : null;
    }

    private static object TypedLogger(Type loggerType, ILoggerFactory factory)
    {
        var categoryType = loggerType.GetGenericArguments().Single();
        return Activator.CreateInstance(typeof(Logger<>).MakeGenericType(categoryType), factory)!;
    }

    private static string LevelText(LogLevel level) => level switch
    {
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };
}
