namespace PyrycodeRelay.Tls.Acme;

/// <summary>The ACME directory object (RFC 8555 §7.1.1): the server's resource URLs.</summary>
internal sealed record AcmeDirectory
{
    /// <summary>URL to fetch a fresh anti-replay nonce (HEAD).</summary>
    public Uri? NewNonce { get; init; }

    /// <summary>URL to create (or look up) an account.</summary>
    public Uri? NewAccount { get; init; }

    /// <summary>URL to create an order.</summary>
    public Uri? NewOrder { get; init; }

    /// <summary>Optional metadata (terms of service and so on).</summary>
    public AcmeDirectoryMeta? Meta { get; init; }
}
