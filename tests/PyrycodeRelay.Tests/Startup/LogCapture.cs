using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Startup;

/// <summary>One captured log event: level, EventId, and the structured fields (without {OriginalFormat}).</summary>
internal sealed record CapturedEvent(LogLevel Level, int Id, string? Name, IReadOnlyList<KeyValuePair<string, object?>> Fields)
{
    public object? this[string key] => Fields.Single(f => f.Key == key).Value;

    public IEnumerable<string> Keys => Fields.Select(f => f.Key);
}

/// <summary>An in-test logger provider that records every event; also usable as the boot's logger factory.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedEvent> _events = new();

    public IReadOnlyList<CapturedEvent> Events => [.. _events];

    public List<string> FormatsRequested { get; } = [];

    public bool FactoryDisposed { get; private set; }

    public ILoggerFactory CreateFactory(string format)
    {
        FormatsRequested.Add(format);
        return new CapturingFactory(this);
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this);

    public void Dispose()
    {
    }

    private sealed class CapturingFactory(LogCapture owner) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(owner);

        public void Dispose() => owner.FactoryDisposed = true;
    }

    private sealed class CapturingLogger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = new List<KeyValuePair<string, object?>>();
            if (state is IReadOnlyList<KeyValuePair<string, object?>> kvs)
            {
                fields.AddRange(kvs.Where(kv => kv.Key != "{OriginalFormat}"));
            }

            owner._events.Enqueue(new CapturedEvent(logLevel, eventId.Id, eventId.Name, fields));
        }
    }
}
