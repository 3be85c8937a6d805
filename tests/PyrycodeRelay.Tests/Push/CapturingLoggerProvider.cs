using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Push;

/// <summary>Captures every log event: level, event id/name, formatted text, structured state and exception text.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Everything a log sink could print, joined: for "never appears" checks.</summary>
    public string AllText() => string.Join("\n", Entries.Select(e =>
        $"{e.Category} {e.Level} {e.EventId.Id} {e.EventId.Name} {e.Message} {string.Join(" ", e.State.Select(kv => $"{kv.Key}={kv.Value}"))} {e.Exception}"));

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var kvs = state is IEnumerable<KeyValuePair<string, object?>> list ? list.ToList() : [];
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), kvs, exception?.ToString()));
        }
    }
}

internal sealed record LogEntry(
    string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State, string? Exception)
{
    public object? this[string key] => State.FirstOrDefault(kv => kv.Key == key).Value;

    public IReadOnlyList<string> Keys => [.. State.Select(kv => kv.Key).Where(k => k != "{OriginalFormat}")];
}
