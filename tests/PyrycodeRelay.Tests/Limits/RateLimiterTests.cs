using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Limits;

namespace PyrycodeRelay.Tests.Limits;

public class RateLimiterTests
{
    private static readonly TimeSpan Sweep = TimeSpan.FromMinutes(5);

    [Fact]
    public void New_key_starts_full_and_denies_after_burst_other_keys_independent()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(20, TimeSpan.FromSeconds(6), time);

        for (var i = 0; i < 20; i++)
        {
            Assert.True(limiter.TryAcquire("1.2.3.4"), $"request {i + 1}");
        }

        Assert.False(limiter.TryAcquire("1.2.3.4"));
        Assert.True(limiter.TryAcquire("5.6.7.8"));

        time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(limiter.TryAcquire("1.2.3.4"));
        Assert.False(limiter.TryAcquire("1.2.3.4"));
    }

    [Fact]
    public void Scenario44_burst2_refill1s()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(2, TimeSpan.FromSeconds(1), time);

        Assert.True(limiter.TryAcquire("k"));
        Assert.True(limiter.TryAcquire("k"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire("k"));
        Assert.False(limiter.TryAcquire("k"));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(limiter.TryAcquire("k"));
        Assert.True(limiter.TryAcquire("k"));
        Assert.False(limiter.TryAcquire("k"));
    }

    [Fact]
    public void Whole_tokens_only_and_the_fraction_carries_over()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(1, TimeSpan.FromSeconds(6), time);

        Assert.True(limiter.TryAcquire("k"));                 // t=0, empty
        time.Advance(TimeSpan.FromSeconds(5.999));
        Assert.False(limiter.TryAcquire("k"));                // no partial token
        time.Advance(TimeSpan.FromSeconds(2.001));            // t=8: one token, reference advances to 6
        Assert.True(limiter.TryAcquire("k"));
        time.Advance(TimeSpan.FromSeconds(3.999));            // t=11.999: 5.999 s since the reference
        Assert.False(limiter.TryAcquire("k"));
        time.Advance(TimeSpan.FromMilliseconds(1));           // t=12: the 2 s fraction carried over
        Assert.True(limiter.TryAcquire("k"));
        Assert.False(limiter.TryAcquire("k"));
    }

    [Fact]
    public void Refill_is_capped_at_burst()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(3, TimeSpan.FromSeconds(1), time, TimeSpan.FromDays(1));

        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAcquire("k"));
        }

        time.Advance(TimeSpan.FromSeconds(100));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAcquire("k"));
        }

        Assert.False(limiter.TryAcquire("k"));
    }

    [Fact]
    public void Empty_key_is_denied_without_creating_a_bucket()
    {
        using var limiter = new RateLimiter(20, TimeSpan.FromSeconds(6), new FakeTimeProvider());
        Assert.False(limiter.TryAcquire(""));
        Assert.Equal(0, limiter.BucketCount);
    }

    [Fact]
    public void Idle_bucket_is_evicted_at_the_5_minute_sweep_and_then_starts_full()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(20, TimeSpan.FromSeconds(6), time);
        Assert.Equal(TimeSpan.FromSeconds(120), limiter.EvictionAge);

        for (var i = 0; i < 20; i++)
        {
            limiter.TryAcquire("a");
        }

        Assert.False(limiter.TryAcquire("a"));
        time.Advance(Sweep - TimeSpan.FromTicks(1));
        Assert.Equal(1, limiter.BucketCount);                 // no sweep yet
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(0, limiter.BucketCount);                 // swept at 5 min, idle 300 s >= 120 s
    }

    [Fact]
    public void Eviction_age_boundary_is_at_least_burst_times_refill()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(20, TimeSpan.FromSeconds(6), time);

        time.Advance(TimeSpan.FromSeconds(180));
        limiter.TryAcquire("exactly");                        // idle 120 s at the sweep
        time.Advance(TimeSpan.FromTicks(1));
        limiter.TryAcquire("younger");                        // idle 120 s - 1 tick at the sweep
        time.Advance(TimeSpan.FromSeconds(120) - TimeSpan.FromTicks(1)); // t = 300 s: sweep

        Assert.Equal(1, limiter.BucketCount);
        Assert.True(limiter.TryAcquire("younger"));
        Assert.Equal(1, limiter.BucketCount);
    }

    [Fact]
    public void Denied_requests_count_as_activity_for_eviction()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(2, TimeSpan.FromSeconds(100), time); // eviction age 200 s

        Assert.True(limiter.TryAcquire("k"));
        Assert.True(limiter.TryAcquire("k"));
        time.Advance(TimeSpan.FromSeconds(100));
        Assert.True(limiter.TryAcquire("k"));                  // last allowed at t=100
        time.Advance(TimeSpan.FromSeconds(99));
        Assert.False(limiter.TryAcquire("k"));                 // last request (denied) at t=199
        time.Advance(TimeSpan.FromSeconds(101));               // sweep at t=300: idle 101 s
        Assert.Equal(1, limiter.BucketCount);
    }

    [Fact]
    public void A_bucket_that_keeps_being_hit_is_never_evicted()
    {
        var time = new FakeTimeProvider();
        using var limiter = new RateLimiter(1, TimeSpan.FromSeconds(120), time); // eviction age 120 s

        Assert.True(limiter.TryAcquire("hot"));
        for (var minute = 1; minute <= 120; minute++)
        {
            time.Advance(TimeSpan.FromSeconds(59));
            Assert.False(limiter.TryAcquire("hot"));           // every hit is 59 s after the last refill point
            time.Advance(TimeSpan.FromSeconds(61));
            Assert.True(limiter.TryAcquire("hot"));
            Assert.Equal(1, limiter.BucketCount);
        }
    }

    [Fact]
    public void Dispose_stops_the_sweeper()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(20, TimeSpan.FromSeconds(6), time);
        limiter.TryAcquire("k");
        limiter.Dispose();
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, limiter.BucketCount);
    }

    [Fact]
    public void Concurrent_callers_get_exactly_burst_tokens()
    {
        using var limiter = new RateLimiter(1000, TimeSpan.FromHours(1), new FakeTimeProvider());
        var allowed = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 500; i++)
            {
                if (limiter.TryAcquire("shared"))
                {
                    Interlocked.Increment(ref allowed);
                }
            }
        });
        Assert.Equal(1000, allowed);
    }

    [Fact]
    public void Existing_key_does_not_allocate()
    {
        using var limiter = new RateLimiter(5, TimeSpan.FromSeconds(6), new FakeTimeProvider());
        const string key = "203.0.113.7";
        for (var i = 0; i < 10; i++)
        {
            limiter.TryAcquire(key);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            limiter.TryAcquire(key);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
