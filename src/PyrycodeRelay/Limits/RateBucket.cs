namespace PyrycodeRelay.Limits;

/// <summary>
/// The state of one rate-limit key (docs/operations.md#rate-limiting). All fields are guarded by <see cref="Gate"/>.
/// Times are <see cref="TimeSpan"/> ticks on the limiter's monotonic clock.
/// </summary>
internal sealed class RateBucket
{
    /// <summary>Guards every other member.</summary>
    public readonly Lock Gate = new();

    /// <summary>Whole tokens available (0 to burst).</summary>
    public long Tokens;

    /// <summary>Refill reference time: advances by whole refill periods only.</summary>
    public long RefillReference;

    /// <summary>Time of the last request for this key, allowed or denied.</summary>
    public long LastSeen;

    /// <summary>Set by the sweeper just before removing the bucket; a request that sees it looks up again.</summary>
    public bool Evicted;
}
