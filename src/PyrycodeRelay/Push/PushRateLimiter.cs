using System.Collections.Concurrent;

namespace PyrycodeRelay.Push;

/// <summary>
/// Per-server-id token buckets for wakes (docs/operations.md#push-admission row 6): <c>burst</c> tokens, one earned back per
/// <c>refill</c>. Buckets idle for at least <c>idle</c> are removed by a sweep every <c>sweepInterval</c>.
/// All time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class PushRateLimiter : IDisposable
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _refillTicks;
    private readonly long _capacityTicks;
    private readonly TimeSpan _idle;
    private readonly ITimer _sweeper;

    /// <summary>Creates the limiter and starts its sweep timer.</summary>
    public PushRateLimiter(int burst, TimeSpan refill, TimeSpan idle, TimeSpan sweepInterval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refill, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sweepInterval, TimeSpan.Zero);
        _time = time;
        _refillTicks = refill.Ticks;
        _capacityTicks = checked(refill.Ticks * burst);
        _idle = idle;
        _sweeper = time.CreateTimer(static s => ((PushRateLimiter)s!).Sweep(), this, sweepInterval, sweepInterval);
    }

    /// <summary>Number of live buckets (for tests).</summary>
    public int BucketCount => _buckets.Count;

    /// <summary>Takes one token from <paramref name="serverId"/>'s bucket; false when it is empty.</summary>
    public bool TryTake(string serverId)
    {
        var now = _time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(serverId, static (_, s) => new Bucket(s._capacityTicks, s._time.GetTimestamp()), this);
        lock (bucket)
        {
            var earned = _time.GetElapsedTime(bucket.LastRefill, now).Ticks;
            if (earned > 0)
            {
                bucket.Balance = Math.Min(_capacityTicks, bucket.Balance + earned);
                bucket.LastRefill = now;
            }

            bucket.LastSeen = now;
            if (bucket.Balance < _refillTicks)
            {
                return false;
            }

            bucket.Balance -= _refillTicks;
            return true;
        }
    }

    /// <summary>Removes every bucket unused for at least the idle time.</summary>
    public void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var pair in _buckets)
        {
            bool idle;
            lock (pair.Value)
            {
                idle = _time.GetElapsedTime(pair.Value.LastSeen, now) >= _idle;
            }

            if (idle)
            {
                ((ICollection<KeyValuePair<string, Bucket>>)_buckets).Remove(pair);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    private sealed class Bucket(long balance, long now)
    {
        public long Balance { get; set; } = balance;

        public long LastRefill { get; set; } = now;

        public long LastSeen { get; set; } = now;
    }
}
