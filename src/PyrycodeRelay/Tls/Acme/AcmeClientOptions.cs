using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>Tunables of <see cref="AcmeClient"/>, built from <see cref="RelayOptions"/>; every duration is configurable for tests.</summary>
internal sealed record AcmeClientOptions
{
    /// <summary>Delay between polls when the server sends no <c>Retry-After</c>.</summary>
    public required TimeSpan PollInterval { get; init; }

    /// <summary>Lower bound applied to a server's <c>Retry-After</c>.</summary>
    public required TimeSpan MinPollDelay { get; init; }

    /// <summary>Upper bound applied to a server's <c>Retry-After</c>.</summary>
    public required TimeSpan MaxPollDelay { get; init; }

    /// <summary>Give up polling an authorization or order after this long.</summary>
    public required TimeSpan PollTimeout { get; init; }

    /// <summary>How many <c>badNonce</c> rejections one request may absorb before failing.</summary>
    public required int MaxBadNonceRetries { get; init; }

    /// <summary>Timeout of each HTTP request to the ACME server.</summary>
    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>The ACME client tunables carried by the relay's options.</summary>
    public static AcmeClientOptions From(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new AcmeClientOptions
        {
            PollInterval = options.AcmePollInterval,
            MinPollDelay = options.AcmeMinPollDelay,
            MaxPollDelay = options.AcmeMaxPollDelay,
            PollTimeout = options.AcmePollTimeout,
            MaxBadNonceRetries = options.AcmeMaxBadNonceRetries,
            RequestTimeout = options.AcmeRequestTimeout,
        };
    }
}
