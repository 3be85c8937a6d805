namespace PyrycodeRelay.Limits;

/// <summary>
/// The global connection cap of docs/operations.md#connection-cap: a fixed pool of slots shared by every endpoint. A slot
/// is taken without waiting after the rate limiter and before the header gate, and released (once) when the
/// request has fully ended. Thread-safe.
/// </summary>
internal sealed class ConnectionCap
{
    private readonly int _capacity;
    private int _count;

    /// <summary>Creates a pool of <paramref name="capacity"/> slots (<c>--max-connections</c>, at least 1).</summary>
    public ConnectionCap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>The number of slots (<c>--max-connections</c>).</summary>
    public int Capacity => _capacity;

    /// <summary>Slots currently held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Takes a slot if one is free, without waiting. Returns the handle that releases it, or null when the
    /// cap is reached (answer 503).
    /// </summary>
    public ConnectionSlot? TryAcquire()
    {
        var current = Volatile.Read(ref _count);
        while (current < _capacity)
        {
            var seen = Interlocked.CompareExchange(ref _count, current + 1, current);
            if (seen == current)
            {
                return new ConnectionSlot(this);
            }

            current = seen;
        }

        return null;
    }

    /// <summary>Called once per slot by <see cref="ConnectionSlot.Release"/>.</summary>
    internal void ReleaseOne() => Interlocked.Decrement(ref _count);
}
