using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Push;

/// <summary>
/// Settings of the push-wake sender (operations.md §17). The FCM endpoints come from the flags; the limits
/// are fixed by the spec (docs/protocol.md#defaults) and settable only by tests.
/// </summary>
public sealed record PushOptions
{
    /// <summary>The default OAuth token endpoint when neither the flag nor the key names one.</summary>
    public const string DefaultTokenUrl = "https://oauth2.googleapis.com/token";

    /// <summary><c>--fcm-project-id</c>.</summary>
    public string ProjectId { get; init; } = "pyrycode-mobile";

    /// <summary><c>--fcm-base-url</c> (a trailing <c>/</c> is ignored).</summary>
    public string BaseUrl { get; init; } = "https://fcm.googleapis.com";

    /// <summary><c>--fcm-token-url</c>; empty means the key's <c>token_uri</c>, else <see cref="DefaultTokenUrl"/>.</summary>
    public string TokenUrl { get; init; } = "";

    /// <summary>Per-server-id bucket size (burst).</summary>
    public int RateLimitBurst { get; init; } = 6;

    /// <summary>Time to earn one wake back.</summary>
    public TimeSpan RateLimitRefill { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A bucket unused for at least this long is removed by the sweep.</summary>
    public TimeSpan RateLimitIdle { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often idle buckets are swept.</summary>
    public TimeSpan RateLimitSweepInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Relay-wide cap on concurrent sends.</summary>
    public int MaxInFlight { get; init; } = 32;

    /// <summary>Timeout of each HTTP request (token and send), headers and body included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>DisposeAsync</c> waits for cancelled sends (the relay passes <c>--drain-timeout</c>).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The push settings carried by the relay's flags.</summary>
    public static PushOptions From(RelayOptions relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        return new PushOptions
        {
            ProjectId = relay.FcmProjectId,
            BaseUrl = relay.FcmBaseUrl,
            TokenUrl = relay.FcmTokenUrl,
            DrainTimeout = relay.DrainTimeout,
        };
    }
}
