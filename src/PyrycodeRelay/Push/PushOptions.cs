using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Push;

/// <summary>
/// Settings of the push-wake sender (docs/operations.md#push-wakes), built from <see cref="RelayOptions"/>: the FCM
/// endpoints come from the flags, the limits are fixed by the spec (docs/protocol.md#defaults) and settable only by tests.
/// </summary>
internal sealed record PushOptions
{
    /// <summary>The default OAuth token endpoint when neither the flag nor the key names one.</summary>
    public const string DefaultTokenUrl = "https://oauth2.googleapis.com/token";

    /// <summary><c>--fcm-project-id</c>.</summary>
    public required string ProjectId { get; init; }

    /// <summary><c>--fcm-base-url</c> (a trailing <c>/</c> is ignored).</summary>
    public required string BaseUrl { get; init; }

    /// <summary><c>--fcm-token-url</c>; empty means the key's <c>token_uri</c>, else <see cref="DefaultTokenUrl"/>.</summary>
    public required string TokenUrl { get; init; }

    /// <summary>Per-server-id bucket size (burst).</summary>
    public required int RateLimitBurst { get; init; }

    /// <summary>Time to earn one wake back.</summary>
    public required TimeSpan RateLimitRefill { get; init; }

    /// <summary>A bucket unused for at least this long is removed by the sweep.</summary>
    public required TimeSpan RateLimitIdle { get; init; }

    /// <summary>How often idle buckets are swept.</summary>
    public required TimeSpan RateLimitSweepInterval { get; init; }

    /// <summary>Relay-wide cap on concurrent sends.</summary>
    public required int MaxInFlight { get; init; }

    /// <summary>Timeout of each HTTP request (token and send), headers and body included.</summary>
    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>How long <c>DisposeAsync</c> waits for cancelled sends (<c>--drain-timeout</c>).</summary>
    public required TimeSpan DrainTimeout { get; init; }

    /// <summary>The push settings carried by the relay's options.</summary>
    public static PushOptions From(RelayOptions relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        return new PushOptions
        {
            ProjectId = relay.FcmProjectId,
            BaseUrl = relay.FcmBaseUrl,
            TokenUrl = relay.FcmTokenUrl,
            RateLimitBurst = relay.PushRateLimitBurst,
            RateLimitRefill = relay.PushRateLimitRefill,
            RateLimitIdle = relay.PushRateLimitIdle,
            RateLimitSweepInterval = relay.PushRateLimitSweepInterval,
            MaxInFlight = relay.PushMaxInFlight,
            RequestTimeout = relay.PushRequestTimeout,
            DrainTimeout = relay.DrainTimeout,
        };
    }
}
