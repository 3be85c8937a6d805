namespace PyrycodeRelay.Tls.Acme;

/// <summary>Payload of a newOrder request (RFC 8555 §7.4).</summary>
internal sealed record AcmeNewOrderRequest
{
    /// <summary>Exactly one <c>dns</c> identifier for this relay.</summary>
    public AcmeIdentifier[] Identifiers { get; init; } = [];
}
