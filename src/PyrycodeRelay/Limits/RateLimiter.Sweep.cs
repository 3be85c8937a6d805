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
        }
    }
}
