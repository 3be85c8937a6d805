namespace PyrycodeRelay.Tls.Acme;

/// <summary>Payload of a newAccount request (RFC 8555 §7.3).</summary>
internal sealed record AcmeNewAccountRequest
{
    /// <summary>Always true: the relay accepts the CA's terms of service.</summary>
    public bool TermsOfServiceAgreed { get; init; } = true;

    /// <summary><c>mailto:</c> contact URLs; omitted when null.</summary>
    public string[]? Contact { get; init; }
}
