namespace PyrycodeRelay.Tls.Acme;

/// <summary>An RFC 7807 problem document as used by ACME (RFC 8555 §6.7).</summary>
internal sealed record AcmeProblem
{
    /// <summary>The problem type URN, e.g. <c>urn:ietf:params:acme:error:badNonce</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Human-readable detail.</summary>
    public string? Detail { get; init; }

    /// <summary>HTTP status the server reported in the document.</summary>
    public int? Status { get; init; }
}
