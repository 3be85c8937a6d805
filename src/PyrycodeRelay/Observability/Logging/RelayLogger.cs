using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// The logger behind <see cref="RelayLoggerProvider"/> for the relay's own categories: formats each enabled
/// event into a pooled buffer and hands the whole line to the sink. <c>msg</c> is the event's
/// <see cref="EventId.Name"/>; the fields are the structured state's key/value pairs in template order.
/// </summary>
internal sealed class RelayLogger : ILogger
{
    private const int InitialLineCapacity = 256;

    private readonly RelayLogFormat _format;
    private readonly LogSink _sink;
    private readonly TimeProvider _time;
    private readonly LogLevel _minimumLevel;

    /// <summary>Creates a logger writing <paramref name="format"/> lines to <paramref name="sink"/>.</summary>
    public RelayLogger(RelayLogFormat format, LogSink sink, TimeProvider time, LogLevel minimumLevel = RelayLoggerProvider.MinimumLevel)
    {
        _minimumLevel = minimumLevel;
        _format = format;
        _sink = sink;
        _time = time;
    }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) =>
        logLevel >= _minimumLevel && logLevel != LogLevel.None;

    /// <inheritdoc/>
    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var fields = state as IReadOnlyList<KeyValuePair<string, object?>>;
        var msg = eventId.Name is { Length: > 0 } name ? name : FallbackMessage(state, fields, exception, formatter);
        var line = new LineBuffer(InitialLineCapacity);
        try
        {
            RelayLogFormatter.Write(ref line, _format, _time.GetUtcNow(), logLevel, msg, fields, exception);
            _sink.WriteLine(line.Written);
        }
        finally
        {
            line.Dispose();
        }
    }

    /// <summary>
    /// The message of an event without a name: its template with every placeholder token removed
    /// (<c>"starting listen={listen}"</c> gives <c>starting</c>), or, without a template, the formatted message.
    /// </summary>
    internal static string FallbackMessage<TState>(
        TState state,
        IReadOnlyList<KeyValuePair<string, object?>>? fields,
        Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (fields is not null)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                if (fields[i].Key == RelayLogFormatter.OriginalFormatKey && fields[i].Value is string template)
                {
                    return StripPlaceholders(template);
                }
            }
        }

        return formatter(state, exception);
    }

    /// <summary>Removes every space-separated token that holds a <c>{placeholder}</c>; unescapes <c>{{</c>/<c>}}</c>.</summary>
    internal static string StripPlaceholders(string template)
    {
        var kept = new List<string>();
        foreach (var token in template.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var unescaped = token.Replace("{{", string.Empty, StringComparison.Ordinal)
                .Replace("}}", string.Empty, StringComparison.Ordinal);
            if (!unescaped.Contains('{', StringComparison.Ordinal))
            {
                kept.Add(token.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal));
            }
        }

        return string.Join(' ', kept);
    }
}
