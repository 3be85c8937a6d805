namespace PyrycodeRelay.Tls;

/// <summary>Issuance retry delays: <c>initial</c>, doubling after each failure, capped at <c>max</c>.</summary>
internal static class RetryBackoff
{
    /// <summary>The delay after the <paramref name="failures"/>-th consecutive failure (1-based).</summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max)
    {
        var delay = initial;
        for (var i = 1; i < failures && delay < max; i++)
        {
            delay += delay;
        }

        return delay > max ? max : delay;
    }
}
