namespace PyrycodeRelay.Tls.Acme;

/// <summary>Tunables of <see cref="AcmeClient"/>; every duration is configurable for tests.</summary>
public sealed record AcmeClientOptions
{
    /// <summary>Delay between polls when the server sends no <c>Retry-After</c>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Lower bound applied to a server's <c>Retry-After</c>.</summary>
    public TimeSpan MinPollDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound applied to a server's <c>Retry-After</c>.</summary>
    public TimeSpan MaxPollDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up polling an authorization or order after this long.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How many <c>badNonce</c> rejections one request may absorb before failing.</summary>
    public int MaxBadNonceRetries { get; init; } = 10;

    /// <summary>Timeout of each HTTP request to the ACME server.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
