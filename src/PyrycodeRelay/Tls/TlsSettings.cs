using PyrycodeRelay.Configuration;
using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tls;

/// <summary>TLS policy durations (not flags; docs/operations.md#http-timeouts and docs/operations.md#tls), built from <see cref="RelayOptions"/>. Tests shorten them.</summary>
internal sealed record TlsSettings
{
    /// <summary>TLS handshake limit; also bounds the wait for the first bytes of a connection.</summary>
    public required TimeSpan HandshakeTimeout { get; init; }

    /// <summary>Static mode: how often the certificate files are checked for changes.</summary>
    public required TimeSpan StaticReloadInterval { get; init; }

    /// <summary>ACME: delay before the first retry after a failed issuance.</summary>
    public required TimeSpan AcmeRetryInitial { get; init; }

    /// <summary>ACME: the retry delay doubles up to this.</summary>
    public required TimeSpan AcmeRetryMax { get; init; }

    /// <summary>ACME: longest single sleep before re-checking whether renewal is due.</summary>
    public required TimeSpan AcmeMaxSleep { get; init; }

    /// <summary>ACME protocol tunables (polling, badNonce retries, request timeout).</summary>
    public required AcmeClientOptions AcmeClient { get; init; }

    /// <summary>Clock for ACME polling delays (a test hook); null means <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? AcmeClientTime { get; init; }

    /// <summary>The TLS settings carried by the relay's options.</summary>
    public static TlsSettings From(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TlsSettings
        {
            HandshakeTimeout = options.TlsHandshakeTimeout,
            StaticReloadInterval = options.TlsStaticReloadInterval,
            AcmeRetryInitial = options.AcmeRetryInitial,
            AcmeRetryMax = options.AcmeRetryMax,
            AcmeMaxSleep = options.AcmeMaxSleep,
            AcmeClient = AcmeClientOptions.From(options),
        };
    }
}
