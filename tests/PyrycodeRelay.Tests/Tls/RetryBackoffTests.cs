using PyrycodeRelay.Tests.Configuration;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Tls;

public sealed class RetryBackoffTests
{
    [Fact]
    public void Doubles_from_the_initial_delay_up_to_one_hour()
    {
        var defaults = DefaultOptions.Tls;
        Assert.True(defaults.AcmeRetryInitial <= TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromHours(1), defaults.AcmeRetryMax);
        var seen = Enumerable.Range(1, 12)
            .Select(n => RetryBackoff.Delay(n, defaults.AcmeRetryInitial, defaults.AcmeRetryMax).TotalSeconds).ToArray();
        Assert.Equal(new double[] { 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600 }, seen);
        Assert.Equal(TimeSpan.FromHours(1), RetryBackoff.Delay(int.MaxValue, defaults.AcmeRetryInitial, defaults.AcmeRetryMax));
    }
}
