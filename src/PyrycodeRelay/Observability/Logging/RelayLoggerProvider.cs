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

    /// <summary>The lowest level written (docs/logging.md#formats: INFO and above).</summary>
    public const LogLevel MinimumLevel = LogLevel.Information;

    private readonly LogSink _sink;
    private readonly RelayLogger _logger;

    /// <summary>Writes UTF-8 lines to <paramref name="output"/> (for example stderr); the caller owns the stream.</summary>
    public RelayLoggerProvider(RelayLogFormat format, Stream output, TimeProvider time)
        : this(format, new StreamLogSink(output), time)
    {
    }

    /// <summary>Writes lines to <paramref name="output"/>; the caller owns the writer.</summary>
    public RelayLoggerProvider(RelayLogFormat format, TextWriter output, TimeProvider time)
        : this(format, new TextWriterLogSink(output), time)
    {
    }

    private RelayLoggerProvider(RelayLogFormat format, LogSink sink, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (format is not (RelayLogFormat.Text or RelayLogFormat.Json))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "unknown log format");
        }

        Format = format;
        _sink = sink;
        _logger = new RelayLogger(format, sink, time);
    }

    /// <summary>The output format.</summary>
    public RelayLogFormat Format { get; }

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
    /// providers before the relay's last shutdown lines).
    /// </summary>
    public void Dispose() => _sink.Dispose();
}
