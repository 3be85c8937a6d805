namespace PyrycodeRelay.Limits;

/// <summary>Idle-bucket eviction (docs/operations.md#rate-limiting "Eviction").</summary>
internal sealed partial class RateLimiter
{
    /// <summary>
    /// Drops every bucket whose last request is at least <see cref="EvictionAge"/> old. Runs on the sweeper
    /// timer; callable directly by tests. A bucket hit concurrently is either kept or, if already marked
    /// evicted, replaced by a fresh one on the next lookup, so no request is lost.
    /// </summary>
    internal void Sweep()
    {
        var now = NowTicks();
        foreach (var pair in _buckets)
        {
            var bucket = pair.Value;
            lock (bucket.Gate)
            {
                if (bucket.Evicted || now - bucket.LastSeen < _idleTicks)
                {
                    continue;
                }

                bucket.Evicted = true;
            }

            _buckets.TryRemove(pair);
            Interlocked.Decrement(ref _count);
        }

        // Drop the creation-order entries of evicted buckets, so the order queue stays as small as the table.
        for (var n = _order.Count; n > 0 && _order.TryDequeue(out var entry); n--)
        {
            if (!Volatile.Read(ref entry.Value.Evicted))
            {
                _order.Enqueue(entry);
            }
        }
    }
}
