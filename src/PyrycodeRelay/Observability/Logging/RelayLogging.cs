using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>Entry points for building the relay's logger outside a host (boot refusals, tests).</summary>
internal static class RelayLogging
{
    /// <summary>The <c>--log-format</c> value of <see cref="RelayLogFormat.Text"/>.</summary>
    public const string TextFormatName = "text";

    /// <summary>The <c>--log-format</c> value of <see cref="RelayLogFormat.Json"/>.</summary>
    public const string JsonFormatName = "json";

    /// <summary>Parses a <c>--log-format</c> value: exactly <c>text</c> or <c>json</c> (case-sensitive).</summary>
    public static bool TryParseFormat(string? value, out RelayLogFormat format)
    {
        switch (value)
        {
            case TextFormatName:
                format = RelayLogFormat.Text;
                return true;
            case JsonFormatName:
                format = RelayLogFormat.Json;
                return true;
            default:
                format = RelayLogFormat.Text;
                return false;
        }
    }

    /// <summary>
    /// A logger factory whose only provider is <see cref="RelayLoggerProvider"/>. <paramref name="format"/>
    /// must be <c>text</c> or <c>json</c> (the flag is validated before this is called).
    /// Disposing the factory flushes; <paramref name="output"/> stays open.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="format"/> is neither <c>text</c> nor <c>json</c>.</exception>
    public static ILoggerFactory CreateFactory(string format, Stream output, TimeProvider time) =>
        CreateFactory(format, output, time, RelayLoggerProvider.MinimumLevel);

    /// <summary>As <see cref="CreateFactory(string, Stream, TimeProvider)"/>, writing <paramref name="minimumLevel"/> and above.</summary>
    public static ILoggerFactory CreateFactory(string format, Stream output, TimeProvider time, LogLevel minimumLevel)
    {
        if (!TryParseFormat(format, out var parsed))
        {
            throw new ArgumentException("log format must be text or json", nameof(format));
        }

        return LoggerFactory.Create(builder => builder.AddRelayLogging(parsed, output, time, minimumLevel));
    }

    /// <summary>
    /// Parses a <c>--log-level</c> value: exactly <c>debug</c>, <c>info</c>, <c>warn</c> or <c>error</c>.
    /// </summary>
    public static bool TryParseLevel(string? value, out LogLevel level)
    {
        level = value switch
        {
            "debug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.None,
        };
        return level != LogLevel.None;
    }

    /// <summary>A logger factory whose only provider is <see cref="RelayLoggerProvider"/> writing to a stream.</summary>
    public static ILoggerFactory CreateFactory(RelayLogFormat format, Stream output, TimeProvider time) =>
        LoggerFactory.Create(builder => builder.AddRelayLogging(format, output, time));

    /// <summary>
    /// The production logger factory: <see cref="RelayLoggerProvider.CreateQueued"/> in front of <paramref name="output"/>
    /// (stderr), so that a slow reader of stderr never slows the relay (issue 13 finding 5). Disposing the factory waits a
    /// bounded time for the queue to drain.
    /// </summary>
    public static ILoggerFactory CreateQueuedFactory(string format, Stream output, TimeProvider time, TimeSpan? reportInterval = null, int maxLines = QueuedLogSink.MaxQueuedLines,
        LogLevel minimumLevel = RelayLoggerProvider.MinimumLevel)
    {
        if (!TryParseFormat(format, out var parsed))
        {
            throw new ArgumentException("log format must be text or json", nameof(format));
        }

        var provider = RelayLoggerProvider.CreateQueued(parsed, output, time, reportInterval ?? RelayLoggerProvider.DropReportInterval, maxLines, minimumLevel);
        var factory = LoggerFactory.Create(builder => builder.AddRelayLogging(provider));
        Queues.AddOrUpdate(factory, provider.Queue!);
        return factory;
    }

    /// <summary>The log queue of a factory made by <see cref="CreateQueuedFactory"/>, or null.</summary>
    public static QueuedLogSink? QueueOf(ILoggerFactory factory) =>
        factory is not null && Queues.TryGetValue(factory, out var queue) ? queue : null;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ILoggerFactory, QueuedLogSink> Queues = [];

    /// <summary>A logger factory whose only provider is <see cref="RelayLoggerProvider"/> writing to a text writer.</summary>
    public static ILoggerFactory CreateFactory(RelayLogFormat format, TextWriter output, TimeProvider time) =>
        LoggerFactory.Create(builder => builder.AddRelayLogging(format, output, time));
}
