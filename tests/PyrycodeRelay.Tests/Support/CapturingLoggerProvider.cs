using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Support;

/// <summary>Records every structured log event of the relay's categories for assertions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Everything captured so far.</summary>
    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    /// <summary>Captured events named <paramref name="name"/>.</summary>
    public IReadOnlyList<LogEntry> Named(string name) => _entries.Where(e => e.Name == name).ToArray();

    /// <summary>Waits until an event named <paramref name="name"/> matching <paramref name="match"/> exists; fails after <paramref name="timeout"/>.</summary>
    public async Task<LogEntry> WaitForAsync(string name, Func<LogEntry, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = _entries.FirstOrDefault(e => e.Name == name && (match?.Invoke(e) ?? true));
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"log event '{name}' not seen; have: {string.Join(" | ", _entries)}");
            }

            await _signal.WaitAsync(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose() => _signal.Dispose();

    private void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        _signal.Release();
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var fields = state is IReadOnlyList<KeyValuePair<string, object?>> list
                ? list.Where(kv => kv.Key != "{OriginalFormat}").ToArray()
                : [];
            owner.Add(new LogEntry(logLevel, eventId.Name ?? formatter(state, exception), fields));
        }
    }
}
