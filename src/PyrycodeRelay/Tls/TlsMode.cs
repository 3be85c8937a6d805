namespace PyrycodeRelay.Tls;

/// <summary>The certificate source of TLS mode (docs/operations.md#certificate-sources).</summary>
internal enum TlsMode
{
    /// <summary>ACME (default): <c>mode=autocert</c>.</summary>
    Acme,

    /// <summary>Static files (<c>--tls-cert-file</c>/<c>--tls-key-file</c>): <c>mode=static-cert</c>.</summary>
    Static,
}
