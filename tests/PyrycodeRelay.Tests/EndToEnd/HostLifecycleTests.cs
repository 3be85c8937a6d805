using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>docs/operations.md#shutdown "After": once the relay has shut down, the rate limiter is stopped.</summary>
public sealed class HostLifecycleTests
{
    [Fact]
    public async Task The_rate_limiter_sweeper_is_stopped_at_shutdown()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var logs = new CapturingLoggerProvider();
        var host = await RelayHost.StartAsync(new RelayHostSettings
        {
            Options = TestRelay.Insecure() with { MetricsListen = "" },
            Loggers = logs,
            RelayListener = TestRelay.Loopback(0),
            Push = new PushOff(),
            Time = time,
        });
        var limiter = host.Admission.RateLimiter;
        Assert.Equal(400, (await RawHttp.SendAsync(new RelayTarget(host.RelayPort), RawHttp.Upgrade("/v1/server", "127.0.0.1"))).Status);
        Assert.Equal(1, limiter.BucketCount);

        await host.DisposeAsync();
        time.Advance(TimeSpan.FromMinutes(10)); // two sweep periods, far beyond the eviction age
        Assert.Equal(1, limiter.BucketCount); // a stopped sweeper evicts nothing
    }
}
