using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Tls;

/// <summary>One captured log event with its structured fields.</summary>
internal sealed record CapturedLog(LogLevel Level, int EventId, string? EventName, string Message,
    IReadOnlyDictionary<string, object?> Fields);

/// <summary>Logger factory/provider that records every event (TLS tests only).</summary>
internal sealed class LogCapture : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<CapturedLog> _events = new();

    public IReadOnlyList<CapturedLog> Events => [.. _events];

    public IReadOnlyList<CapturedLog> Named(string eventName) => [.. _events.Where(e => e.EventName == eventName)];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    /// <summary>Waits (polling, bounded) until an event with that name was logged.</summary>
    public async Task<CapturedLog> WaitForAsync(string eventName, TimeSpan timeout, int count = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Named(eventName);
            if (found.Count >= count)
            {
                return found[count - 1];
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no '{eventName}' log event (#{count}) within {timeout}; got: "
            + string.Join(" | ", _events.Select(e => e.Message)));
    }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var fields = new Dictionary<string, object?>();
            if (state is IEnumerable<KeyValuePair<string, object?>> kvs)
            {
                foreach (var kv in kvs)
                {
                    fields[kv.Key] = kv.Value;
                }
            }

            owner._events.Enqueue(new CapturedLog(logLevel, eventId.Id, eventId.Name, formatter(state, exception), fields));
        }
    }
}
