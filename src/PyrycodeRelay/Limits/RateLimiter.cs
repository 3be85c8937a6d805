using System.Collections.Concurrent;

namespace PyrycodeRelay.Limits;

/// <summary>
/// Per-key token bucket of docs/operations.md#rate-limiting: capacity <c>--rate-limit-burst</c>, one whole token earned per
/// <c>--rate-limit-refill</c> (the unused fraction carries over), capped at the burst. A new key starts full
/// and its first request takes one token. A sweeper evicts idle buckets periodically. Thread-safe; a call
/// for an existing key does not allocate.
/// </summary>
internal sealed partial class RateLimiter : IDisposable
{
    /// <summary>How often idle buckets are swept (docs/operations.md#rate-limiting: every 5 minutes).</summary>
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, RateBucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _burst;
    private readonly long _refillTicks;
    private readonly long _idleTicks;
    private readonly ITimer _sweeper;

    /// <summary>Creates a limiter and starts its sweeper.</summary>
    /// <param name="burst">Bucket capacity (<c>--rate-limit-burst</c>), at least 1.</param>
    /// <param name="refill">Time to earn one token (<c>--rate-limit-refill</c>), positive.</param>
    /// <param name="timeProvider">Clock and timer source.</param>
    /// <param name="sweepInterval">Sweep period; <see cref="DefaultSweepInterval"/> when null.</param>
    public RateLimiter(int burst, TimeSpan refill, TimeProvider timeProvider, TimeSpan? sweepInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refill, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var interval = sweepInterval ?? DefaultSweepInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);

        _time = timeProvider;
        _burst = burst;
        _refillTicks = refill.Ticks;
        _idleTicks = refill.Ticks > long.MaxValue / burst ? long.MaxValue : refill.Ticks * burst;
        _sweeper = timeProvider.CreateTimer(static s => ((RateLimiter)s!).Sweep(), this, interval, interval);
    }

    /// <summary>Number of buckets currently held (for tests and diagnostics).</summary>
    public int BucketCount => _buckets.Count;

    /// <summary>Idle age at which a bucket is evicted: burst × refill.</summary>
    public TimeSpan EvictionAge => TimeSpan.FromTicks(_idleTicks);

    /// <summary>
    /// Consumes one token for <paramref name="key"/>. Returns false (deny, 429) when the bucket is empty, or
    /// when the key is empty, in which case the limiter is not consulted at all (docs/operations.md#client-ip step 3).
    /// </summary>
    public bool TryAcquire(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            return false;
        }

        var now = NowTicks();
        while (true)
        {
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                bucket = _buckets.GetOrAdd(key, static (_, s) => s.limiter.NewBucket(s.now), (limiter: this, now));
            }

            lock (bucket.Gate)
            {
                if (bucket.Evicted)
                {
                    continue;
                }

                return Take(bucket, now);
            }
        }
    }

    /// <summary>Stops the sweeper. Buckets are kept; <see cref="TryAcquire"/> keeps working.</summary>
    public void Dispose() => _sweeper.Dispose();

    private RateBucket NewBucket(long now) => new()
    {
        Tokens = _burst,
        RefillReference = now,
        LastSeen = now,
    };

    private bool Take(RateBucket bucket, long now)
    {
        var elapsed = now - bucket.RefillReference;
        if (elapsed >= _refillTicks)
        {
            var periods = elapsed / _refillTicks;
            bucket.RefillReference += periods * _refillTicks;
            bucket.Tokens = periods >= _burst - bucket.Tokens ? _burst : bucket.Tokens + periods;
        }

        if (now > bucket.LastSeen)
        {
            bucket.LastSeen = now;
        }

        if (bucket.Tokens <= 0)
        {
            return false;
        }

        bucket.Tokens--;
        return true;
    }

    /// <summary>Monotonic now in <see cref="TimeSpan"/> ticks.</summary>
    private long NowTicks()
    {
        var ts = _time.GetTimestamp();
        var freq = _time.TimestampFrequency;
        if (freq == TimeSpan.TicksPerSecond)
        {
            return ts;
        }

        return (ts / freq * TimeSpan.TicksPerSecond) + (ts % freq * TimeSpan.TicksPerSecond / freq);
    }
}
