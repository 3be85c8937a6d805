using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// The relay's only logging provider (docs/logging.md#formats): one event per line, <c>text</c> or <c>json</c>,
/// level INFO and above, timestamps from a <see cref="TimeProvider"/>. Only categories starting with
/// <see cref="RelayCategoryPrefix"/> are written; framework categories (Microsoft.*, System.*) are
/// dropped because their keys are outside the docs/logging.md#keys allowlist. Every line is written whole and flushed
/// at once; <see cref="Dispose"/> only flushes: the output stays open and later lines are still written.
/// </summary>
internal sealed class RelayLoggerProvider : ILoggerProvider
{
    /// <summary>Categories starting with this text are written; all others are dropped.</summary>
    public const string RelayCategoryPrefix = "PyrycodeRelay";

    /// <summary>The lowest level written by default (docs/logging.md#formats: INFO and above; <c>--log-level</c> changes it).</summary>
    public const LogLevel MinimumLevel = LogLevel.Information;

    /// <summary>How often a queued provider reports dropped lines (WARN <c>log_lines_dropped</c>).</summary>
    public static readonly TimeSpan DropReportInterval = TimeSpan.FromSeconds(10);

    private readonly LogSink _sink;
    private readonly RelayLogger _logger;
    private ITimer? _dropReporter;
    private long _reportedDrops;

    /// <summary>Writes UTF-8 lines to <paramref name="output"/> (for example stderr); the caller owns the stream.</summary>
    public RelayLoggerProvider(RelayLogFormat format, Stream output, TimeProvider time, LogLevel minimumLevel = MinimumLevel)
        : this(format, new StreamLogSink(output), time, minimumLevel)
    {
    }

    /// <summary>Writes lines to <paramref name="output"/>; the caller owns the writer.</summary>
    public RelayLoggerProvider(RelayLogFormat format, TextWriter output, TimeProvider time, LogLevel minimumLevel = MinimumLevel)
        : this(format, new TextWriterLogSink(output), time, minimumLevel)
    {
    }

    private RelayLoggerProvider(RelayLogFormat format, LogSink sink, TimeProvider time, LogLevel minimumLevel)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (format is not (RelayLogFormat.Text or RelayLogFormat.Json))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "unknown log format");
        }

        Format = format;
        _sink = sink;
        _logger = new RelayLogger(format, sink, time, minimumLevel);
        Level = minimumLevel;
    }

    /// <summary>The output format.</summary>
    public RelayLogFormat Format { get; }

    /// <summary>The lowest level written (<c>--log-level</c>).</summary>
    public LogLevel Level { get; }

    /// <summary>The queue in front of the output, for a provider made by <see cref="CreateQueued"/>.</summary>
    public QueuedLogSink? Queue => _sink as QueuedLogSink;

    /// <summary>
    /// A provider whose lines go through a bounded queue to <paramref name="output"/> (stderr in production): logging
    /// never waits for the output, and every <paramref name="reportInterval"/> the lines dropped meanwhile are
    /// reported as WARN <c>log_lines_dropped</c>.
    /// </summary>
    public static RelayLoggerProvider CreateQueued(RelayLogFormat format, Stream output, TimeProvider time, TimeSpan reportInterval, int maxLines = QueuedLogSink.MaxQueuedLines,
        LogLevel minimumLevel = MinimumLevel)
    {
        ArgumentNullException.ThrowIfNull(time);
        var provider = new RelayLoggerProvider(format, new QueuedLogSink(output, maxLines), time, minimumLevel);
        provider._dropReporter = time.CreateTimer(
            static s => ((RelayLoggerProvider)s!).ReportDrops(), provider, reportInterval, reportInterval);
        return provider;
    }

    private void ReportDrops()
    {
        var dropped = Queue!.Dropped;
        var delta = dropped - Interlocked.Exchange(ref _reportedDrops, dropped);
        if (delta > 0)
        {
            RelayLog.LogLinesDropped(_logger, delta);
        }
    }

    /// <summary>Whether events of <paramref name="categoryName"/> are written (it starts with <see cref="RelayCategoryPrefix"/>).</summary>
    public static bool IsRelayCategory(string? categoryName) =>
        categoryName is not null && categoryName.StartsWith(RelayCategoryPrefix, StringComparison.Ordinal);

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) =>
        IsRelayCategory(categoryName) ? _logger : NullLogger.Instance;

    /// <summary>Flushes the output (every line is already flushed when written; this is for callers about to exit).</summary>
    public void Flush() => _sink.Flush();

    /// <summary>
    /// Flushes. The output is not closed and lines logged afterwards are still written (the host disposes
    /// providers before the relay's last shutdown lines). A queued provider stops its periodic drop report and
    /// reports what is left once.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _dropReporter, null) is { } reporter)
        {
            reporter.Dispose();
            ReportDrops();
        }

        _sink.Dispose();
    }
}
