namespace PyrycodeRelay.Tls.Acme;

/// <summary>An ACME authorization object (RFC 8555 §7.1.4).</summary>
internal sealed record AcmeAuthorization
{
    /// <summary><c>pending</c>, <c>valid</c>, <c>invalid</c>, <c>deactivated</c>, <c>expired</c> or <c>revoked</c>.</summary>
    public string? Status { get; init; }

    /// <summary>The identifier being authorized.</summary>
    public AcmeIdentifier? Identifier { get; init; }

    /// <summary>The challenges the server offers.</summary>
    public AcmeChallenge[]? Challenges { get; init; }
}
