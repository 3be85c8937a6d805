namespace PyrycodeRelay.Tls.Acme;

/// <summary>Payload of a finalize request (RFC 8555 §7.4): the base64url DER CSR.</summary>
internal sealed record AcmeFinalizeRequest
{
    /// <summary>base64url of the DER-encoded PKCS#10 request.</summary>
    public string Csr { get; init; } = "";
}
