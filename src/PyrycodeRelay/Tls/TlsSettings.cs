using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tls;

/// <summary>TLS policy durations (not flags); defaults follow operations.md §7 and §10. Tests shorten them.</summary>
public sealed record TlsSettings
{
    /// <summary>TLS handshake limit (§7: 5 s); also bounds the wait for the first bytes of a connection.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Static mode: how often the certificate files are checked for changes (§10.4: within 60 s).</summary>
    public TimeSpan StaticReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>ACME: delay before the first retry after a failed issuance (§10.2: within 1 minute).</summary>
    public TimeSpan AcmeRetryInitial { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ACME: the retry delay doubles up to this (§10.2: at most 1 hour).</summary>
    public TimeSpan AcmeRetryMax { get; init; } = TimeSpan.FromHours(1);

    /// <summary>ACME: longest single sleep before re-checking whether renewal is due.</summary>
    public TimeSpan AcmeMaxSleep { get; init; } = TimeSpan.FromHours(12);

    /// <summary>ACME protocol tunables (polling, badNonce retries, request timeout).</summary>
    public AcmeClientOptions AcmeClient { get; init; } = new();

    /// <summary>Clock for ACME polling delays; null means <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? AcmeClientTime { get; init; }
}
