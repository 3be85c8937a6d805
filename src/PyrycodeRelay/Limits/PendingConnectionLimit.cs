using System.Net;
using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Limits;

/// <summary>
/// Kestrel connection middleware capping connections that have not (yet) upgraded to a WebSocket
/// (docs/operations.md#pre-upgrade-connections): at most <c>--max-pending-connections</c> relay-wide and
/// <c>--max-pending-connections-per-source</c> per source (<see cref="SourceKey"/> of the peer, i.e. the PROXY
/// source in PROXY mode). A connection over either cap is closed at once with zero bytes written and nothing logged.
/// A connection leaves the count when it ends or when it upgrades (<see cref="PendingConnectionTicket.Release"/>,
/// called by the upgrade route; the upgraded-connection caps take over from there). Place it after the PROXY
/// middleware and before TLS, so that handshakes in progress count. Thread-safe.
/// </summary>
internal sealed class PendingConnectionLimit
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _bySource = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly int _perSource;
    private int _count;
    private long _refused;

    /// <summary>Creates the limit; <paramref name="perSource"/> <see cref="int.MaxValue"/> turns the per-source cap off.</summary>
    public PendingConnectionLimit(int capacity, int perSource)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perSource, 1);
        _capacity = capacity;
        _perSource = perSource;
    }

    /// <summary>Connections currently counted.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Connections closed at once because a cap was reached, since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Connections counted for <paramref name="source"/>.</summary>
    public int CountOf(string source)
    {
        lock (_gate)
        {
            return _bySource.GetValueOrDefault(source);
        }
    }

    /// <summary>The connection middleware in front of <paramref name="next"/>.</summary>
    public ConnectionDelegate Middleware(ConnectionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return connection =>
        {
            var source = SourceKey.For((connection.RemoteEndPoint as IPEndPoint)?.Address);
            if (!TryEnter(source))
            {
                Interlocked.Increment(ref _refused);
                return Task.CompletedTask; // closed: zero bytes written, nothing logged
            }

            var ticket = new PendingConnectionTicket(this, source);
            connection.Features.Set(ticket);
            Task running;
            try
            {
                running = next(connection);
            }
            catch
            {
                ticket.Release();
                throw;
            }

            if (running.IsCompleted)
            {
                ticket.Release();
                return running;
            }

            return ReleaseWhenDone(running, ticket);
        };
    }

    private static async Task ReleaseWhenDone(Task running, PendingConnectionTicket ticket)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        finally
        {
            ticket.Release();
        }
    }

    private bool TryEnter(string source)
    {
        lock (_gate)
        {
            var held = source.Length == 0 ? 0 : _bySource.GetValueOrDefault(source);
            if (_count >= _capacity || held >= _perSource)
            {
                return false;
            }

            _count++;
            if (source.Length > 0)
            {
                _bySource[source] = held + 1;
            }

            return true;
        }
    }

    /// <summary>Called once per ticket.</summary>
    internal void Leave(string source)
    {
        lock (_gate)
        {
            _count--;
            if (source.Length == 0)
            {
                return;
            }

            var held = _bySource[source] - 1;
            if (held == 0)
            {
                _bySource.Remove(source);
            }
            else
            {
                _bySource[source] = held;
            }
        }
    }
}
