namespace PyrycodeRelay.Tls.Acme;

/// <summary>The <c>meta</c> member of the ACME directory (RFC 8555 §7.1.1).</summary>
internal sealed record AcmeDirectoryMeta
{
    /// <summary>The current terms of service, if the server publishes them.</summary>
    public string? TermsOfService { get; init; }
}
