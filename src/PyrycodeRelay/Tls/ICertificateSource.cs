namespace PyrycodeRelay.Tls;

/// <summary>Where the TLS listener's certificate comes from (ACME or static files).</summary>
internal interface ICertificateSource : IAsyncDisposable
{
    /// <summary>The certificate for new handshakes, or null while none exists (handshakes then fail).</summary>
    ServedCertificate? Current { get; }

    /// <summary>Readiness (docs/protocol.md#health-and-readiness): a certificate is available or being obtained.</summary>
    bool IsReady { get; }

    /// <summary>Starts background work (issuance/renewal or reload polling).</summary>
    void Start();

    /// <summary>Stops background work; the current certificate stays usable.</summary>
    Task StopAsync();
}
