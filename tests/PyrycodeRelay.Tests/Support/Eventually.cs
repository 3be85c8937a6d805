namespace PyrycodeRelay.Tests.Support;

/// <summary>Polling with a deadline that fails the test (no sleep-and-hope).</summary>
internal static class Eventually
{
    /// <summary>How long a wait lasts unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> every 10 ms; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task Async(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting for: " + what());
            }

            await Task.Delay(10);
        }
    }

    /// <inheritdoc cref="Async(Func{bool}, Func{string}, TimeSpan?)"/>
    public static Task Async(Func<bool> condition, string what, TimeSpan? timeout = null) => Async(condition, () => what, timeout);
}
