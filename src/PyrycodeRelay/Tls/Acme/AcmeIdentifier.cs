namespace PyrycodeRelay.Tls.Acme;

/// <summary>An ACME identifier (RFC 8555 §9.7.7); this client only uses <c>dns</c>.</summary>
internal sealed record AcmeIdentifier
{
    /// <summary>Identifier type, <c>dns</c>.</summary>
    public string Type { get; init; } = "dns";

    /// <summary>The DNS name.</summary>
    public string Value { get; init; } = "";
}
