using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>Records every log entry (any category) with its structured state, for exact assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One captured entry; <see cref="State"/> holds the template values (and {OriginalFormat}).</summary>
    internal sealed record LogEntry(string Category, LogLevel Level, string? EventName, string Message,
        IReadOnlyList<KeyValuePair<string, object?>> State);

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId.Name, formatter(state, exception), [.. values]));
        }
    }
}
