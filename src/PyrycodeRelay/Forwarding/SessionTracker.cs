using System.Collections.Concurrent;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// Every upgraded connection (holders, phones, claimants waiting on a probe, rejected connections in their
/// close handshake) so that shutdown can close them all with 1001 and wait for them (docs/protocol.md#graceful-shutdown).
/// </summary>
internal sealed class SessionTracker
{
    private readonly ConcurrentDictionary<WsConnection, Action> _live = new();
    private volatile bool _shuttingDown;

    /// <summary>Whether shutdown has begun.</summary>
    public bool ShuttingDown => _shuttingDown;

    /// <summary>Number of tracked connections.</summary>
    public int Count => _live.Count;

    /// <summary>
    /// Tracks <paramref name="connection"/>; <paramref name="onShutdown"/> closes it 1001. A connection added
    /// after shutdown began is still tracked (the drain waits for it) and its action runs at once.
    /// </summary>
    public void Add(WsConnection connection, Action onShutdown)
    {
        _live[connection] = onShutdown;
        if (_shuttingDown)
        {
            onShutdown();
        }
    }

    /// <summary>Stops tracking.</summary>
    public void Remove(WsConnection connection) => _live.TryRemove(connection, out _);

    /// <summary>Begins shutdown: runs every connection's shutdown action (they close concurrently).</summary>
    public void BeginShutdown()
    {
        _shuttingDown = true;
        foreach (var entry in _live)
        {
            entry.Value();
        }
    }

    /// <summary>Waits until every tracked connection has ended, or the token fires.</summary>
    public async Task<bool> WaitAllEndedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_live.Keys.Select(c => c.Ended)).WaitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Aborts every connection still open.</summary>
    public void AbortAll()
    {
        foreach (var connection in _live.Keys)
        {
            connection.Abort();
        }
    }
}
