using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Records every log event (any category, from <see cref="MinimumLevel"/> up) for exact assertions. It is a
/// provider for a logging builder and also a logger factory of its own; <see cref="CreateFactory"/> plays the
/// boot's "logger factory for a format" seam.
/// </summary>
internal sealed class CapturingLoggerProvider(LogLevel minimumLevel = LogLevel.Trace) : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>The lowest level recorded.</summary>
    public LogLevel MinimumLevel { get; } = minimumLevel;

    /// <summary>Everything captured so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>The formats passed to <see cref="CreateFactory"/>, in order.</summary>
    public List<string> FormatsRequested { get; } = [];

    /// <summary>Whether a factory from <see cref="CreateFactory"/> was disposed.</summary>
    public bool FactoryDisposed { get; private set; }

    /// <summary>Captured events named <paramref name="name"/> (see <see cref="LogEntry.Name"/>).</summary>
    public IReadOnlyList<LogEntry> Named(string name) => [.. _entries.Where(e => e.Name == name)];

    /// <summary>Everything a log sink could print, joined: for "never appears" checks.</summary>
    public string AllText() => string.Join("\n", Entries.Select(e => e.AllText()));

    /// <summary>
    /// Waits until <paramref name="count"/> events named <paramref name="name"/> match <paramref name="match"/> and
    /// returns the <paramref name="count"/>-th; fails after <paramref name="timeout"/> (10 s) with everything captured.
    /// </summary>
    public async Task<LogEntry> WaitForAsync(string name, Func<LogEntry, bool>? match = null, TimeSpan? timeout = null, int count = 1)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = _entries.Where(e => e.Name == name && (match?.Invoke(e) ?? true)).Take(count).ToList();
            if (found.Count == count)
            {
                return found[^1];
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"log event '{name}' (#{count}) not seen within {timeout ?? TimeSpan.FromSeconds(10)}; have: {string.Join(" | ", _entries)}");
            }

            await _signal.WaitAsync(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>A logger factory for <paramref name="format"/> that records into this provider (the boot's factory seam).</summary>
    public ILoggerFactory CreateFactory(string format)
    {
        FormatsRequested.Add(format);
        return new Factory(this);
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose() => _signal.Dispose();

    private void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
            // logged after the test ended
        }
    }

    private sealed class Factory(CapturingLoggerProvider owner) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public ILogger CreateLogger(string categoryName) => owner.CreateLogger(categoryName);

        public void Dispose() => owner.FactoryDisposed = true;
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            IReadOnlyList<KeyValuePair<string, object?>> values = state is IEnumerable<KeyValuePair<string, object?>> kvs ? [.. kvs] : [];
            owner.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), values, exception?.ToString()));
        }
    }
}
