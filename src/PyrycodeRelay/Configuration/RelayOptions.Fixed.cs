namespace PyrycodeRelay.Configuration;

/// <summary>
/// Fixed limits: not flags (protocol.md §14 "fixed", operations.md §7, §10, §17), settable only by tests.
/// </summary>
public sealed partial record RelayOptions
{
    // ---- WebSocket and HTTP ----

    /// <summary>After sending a close frame, how long to wait for the peer's close frame.</summary>
    public TimeSpan CloseHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>HTTP request headers must be complete within this (slowloris guard).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>HTTP keep-alive idle timeout.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>A PROXY protocol header must arrive within this.</summary>
    public TimeSpan ProxyHeaderTimeout { get; init; } = TimeSpan.FromSeconds(5);

    // ---- TLS (operations.md §7, §10) ----

    /// <summary>TLS handshake limit (§7: 5 s); also bounds the wait for the first bytes of a TLS connection.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Static certificates: how often the files are checked for changes (§10.4: within 60 s).</summary>
    public TimeSpan TlsStaticReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>ACME: delay before the first retry after a failed issuance (§10.2: within 1 minute).</summary>
    public TimeSpan AcmeRetryInitial { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ACME: the retry delay doubles up to this (§10.2: at most 1 hour).</summary>
    public TimeSpan AcmeRetryMax { get; init; } = TimeSpan.FromHours(1);

    /// <summary>ACME: longest single sleep before re-checking whether renewal is due.</summary>
    public TimeSpan AcmeMaxSleep { get; init; } = TimeSpan.FromHours(12);

    /// <summary>ACME: delay between polls when the server sends no <c>Retry-After</c>.</summary>
    public TimeSpan AcmePollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>ACME: lower bound applied to a server's <c>Retry-After</c>.</summary>
    public TimeSpan AcmeMinPollDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>ACME: upper bound applied to a server's <c>Retry-After</c>.</summary>
    public TimeSpan AcmeMaxPollDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ACME: give up polling an authorization or order after this long.</summary>
    public TimeSpan AcmePollTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>ACME: how many <c>badNonce</c> rejections one request may absorb before failing.</summary>
    public int AcmeMaxBadNonceRetries { get; init; } = 10;

    /// <summary>ACME: timeout of each HTTP request to the ACME server.</summary>
    public TimeSpan AcmeRequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    // ---- Push wakes (operations.md §17, protocol.md §14) ----

    /// <summary>Push: per-server-id bucket size (burst).</summary>
    public int PushRateLimitBurst { get; init; } = 6;

    /// <summary>Push: time to earn one wake back.</summary>
    public TimeSpan PushRateLimitRefill { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Push: a bucket unused for at least this long is removed by the sweep.</summary>
    public TimeSpan PushRateLimitIdle { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Push: how often idle buckets are swept.</summary>
    public TimeSpan PushRateLimitSweepInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Push: relay-wide cap on concurrent sends.</summary>
    public int PushMaxInFlight { get; init; } = 32;

    /// <summary>Push: timeout of each HTTP request (token and send), headers and body included.</summary>
    public TimeSpan PushRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
