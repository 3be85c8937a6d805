using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Limits;

/// <summary>
/// The connection caps of docs/operations.md#connection-cap and docs/operations.md#per-source-limits: a fixed pool of <c>--max-connections</c> slots shared
/// by every endpoint, of which each source (<see cref="SourceKey"/>) may hold at most <c>--max-connections-per-source</c>,
/// and of which <see cref="Reserve"/> slots are kept for each endpoint kind: phones can never take the last
/// <see cref="Reserve"/> slots (binaries reclaiming their server-id always find room) and binaries can never take the
/// last <see cref="Reserve"/> either (phones of live binaries always find room). A slot is taken without waiting after
/// the rate limiter and before the header gate, and released (once) when the request has fully ended. Thread-safe:
/// one short lock (admission is per upgrade request, not per frame).
/// </summary>
internal sealed class ConnectionCap
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _bySource = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly int _perSource;
    private readonly int _reserve;
    private int _count;
    private int _binaries;
    private int _phones;

    /// <summary>Creates the pool.</summary>
    /// <param name="capacity"><c>--max-connections</c>, at least 1.</param>
    /// <param name="perSource"><c>--max-connections-per-source</c>, at least 1; unlimited when omitted.</param>
    /// <param name="reserve">Slots kept for each endpoint kind (0 to capacity / 2).</param>
    public ConnectionCap(int capacity, int perSource = int.MaxValue, int reserve = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perSource, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(reserve);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reserve, capacity / 2);
        _capacity = capacity;
        _perSource = perSource;
        _reserve = reserve;
    }

    /// <summary>The number of slots (<c>--max-connections</c>).</summary>
    public int Capacity => _capacity;

    /// <summary>Slots one source may hold (<c>--max-connections-per-source</c>).</summary>
    public int PerSource => _perSource;

    /// <summary>Slots kept for each endpoint kind: the other kind can take at most <see cref="Capacity"/> − this.</summary>
    public int Reserve => _reserve;

    /// <summary>Slots currently held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Sources currently holding at least one slot.</summary>
    public int Sources
    {
        get
        {
            lock (_gate)
            {
                return _bySource.Count;
            }
        }
    }

    /// <summary>The reserve derived from <c>--max-connections</c>: one eighth for each endpoint kind.</summary>
    public static int ReserveFor(int capacity, int divisor) => divisor <= 0 ? 0 : Math.Min(capacity / divisor, capacity / 2);

    /// <summary>Slots held by <paramref name="source"/>.</summary>
    public int CountOf(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_gate)
        {
            return _bySource.GetValueOrDefault(source);
        }
    }

    /// <summary>Takes a slot with no source and no endpoint reserve (tests and tools); null when the pool is full.</summary>
    public ConnectionSlot? TryAcquire() => TryAcquire(null, "", out var slot) == CapDecision.Admitted ? slot : null;

    /// <summary>
    /// Takes a slot for <paramref name="endpoint"/> from <paramref name="source"/> if the source is under its cap,
    /// the pool is not full and the endpoint is under its share; never waits. An empty source is not counted per source.
    /// </summary>
    public CapDecision TryAcquire(RelayEndpoint endpoint, string source, out ConnectionSlot? slot) =>
        TryAcquire((RelayEndpoint?)endpoint, source, out slot);

    /// <summary>Like <see cref="TryAcquire(RelayEndpoint, string, out ConnectionSlot?)"/> without an endpoint reserve.</summary>
    public (CapDecision Decision, ConnectionSlot? Slot) TryAcquireUntyped(string source)
    {
        var decision = TryAcquire(null, source, out var slot);
        return (decision, slot);
    }

    private CapDecision TryAcquire(RelayEndpoint? endpoint, string source, out ConnectionSlot? slot)
    {
        ArgumentNullException.ThrowIfNull(source);
        slot = null;
        lock (_gate)
        {
            var held = source.Length == 0 ? 0 : _bySource.GetValueOrDefault(source);
            if (held >= _perSource)
            {
                return CapDecision.SourceFull;
            }

            var ofKind = endpoint switch { RelayEndpoint.Server => _binaries, RelayEndpoint.Client => _phones, _ => 0 };
            if (_count >= _capacity || ofKind >= _capacity - _reserve)
            {
                return CapDecision.RelayFull;
            }

            _count++;
            if (endpoint == RelayEndpoint.Server)
            {
                _binaries++;
            }
            else if (endpoint == RelayEndpoint.Client)
            {
                _phones++;
            }

            if (source.Length > 0)
            {
                _bySource[source] = held + 1;
            }
        }

        slot = new ConnectionSlot(this, endpoint, source);
        return CapDecision.Admitted;
    }

    /// <summary>Called once per slot by <see cref="ConnectionSlot.Release"/>.</summary>
    internal void ReleaseOne(RelayEndpoint? endpoint, string source)
    {
        lock (_gate)
        {
            _count--;
            if (endpoint == RelayEndpoint.Server)
            {
                _binaries--;
            }
            else if (endpoint == RelayEndpoint.Client)
            {
                _phones--;
            }

            if (source.Length > 0)
            {
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
}
