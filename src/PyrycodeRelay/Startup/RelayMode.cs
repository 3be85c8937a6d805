namespace PyrycodeRelay.Startup;

/// <summary>The serving mode selected at boot step 4 (docs/operations.md#modes-and-listeners).</summary>
internal enum RelayMode
{
    /// <summary><c>--insecure-listen</c>: one plain-HTTP listener behind a TLS-terminating proxy.</summary>
    Insecure,

    /// <summary><c>--domain</c> with ACME certificates.</summary>
    TlsAcme,

    /// <summary><c>--domain</c> with <c>--tls-cert-file</c>/<c>--tls-key-file</c>.</summary>
    TlsStatic,
}
