using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Limits;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>Issue 13 finding 2: the rate limiter's table has a fixed capacity and evicts the oldest bucket.</summary>
public class RateLimiterBoundTests
{
    [Fact]
    public void Ten_thousand_new_keys_never_hold_more_than_the_capacity_and_the_oldest_go_first()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(1, TimeSpan.FromSeconds(6), time, TimeSpan.FromDays(1), maxBuckets: 1000);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(limiter.TryAcquire("k" + i));
            Assert.InRange(limiter.BucketCount, 1, 1000);
        }

        Assert.Equal(1000, limiter.BucketCount);
        Assert.False(limiter.TryAcquire("k9999")); // the newest keep their state: still empty
        Assert.False(limiter.TryAcquire("k9000"));
        Assert.True(limiter.TryAcquire("k0")); // the oldest was evicted: a fresh, full bucket
        Assert.Equal(1000, limiter.BucketCount);
    }

    [Fact]
    public void The_sweep_and_the_bound_together_keep_the_count_exact()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(1, TimeSpan.FromSeconds(1), time, TimeSpan.FromDays(1), maxBuckets: 10);
        for (var i = 0; i < 10; i++)
        {
            limiter.TryAcquire("a" + i);
        }

        time.Advance(TimeSpan.FromSeconds(5));
        limiter.Sweep(); // all ten idle: gone
        Assert.Equal(0, limiter.BucketCount);
        for (var i = 0; i < 25; i++)
        {
            limiter.TryAcquire("b" + i);
        }

        Assert.Equal(10, limiter.BucketCount);
        Assert.False(limiter.TryAcquire("b24"));
        Assert.True(limiter.TryAcquire("b0"));
    }

    [Fact]
    public void Concurrent_new_keys_stay_within_the_capacity()
    {
        using var limiter = new RateLimiter(5, TimeSpan.FromSeconds(6), new FakeTimeProvider(), TimeSpan.FromDays(1), maxBuckets: 64);
        var maxSeen = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                limiter.TryAcquire($"{w}-{i % 500}");
                var now = limiter.BucketCount;
                var seen = Volatile.Read(ref maxSeen);
                if (now > seen)
                {
                    Interlocked.CompareExchange(ref maxSeen, now, seen);
                }
            }
        });
        // Between an add and its eviction each thread may briefly hold one extra bucket.
        Assert.InRange(maxSeen, 1, 64 + 4);
        Assert.InRange(limiter.BucketCount, 1, 64);
    }
}
