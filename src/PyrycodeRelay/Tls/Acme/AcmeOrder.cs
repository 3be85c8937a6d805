namespace PyrycodeRelay.Tls.Acme;

/// <summary>An ACME order object (RFC 8555 §7.1.3).</summary>
internal sealed record AcmeOrder
{
    /// <summary><c>pending</c>, <c>ready</c>, <c>processing</c>, <c>valid</c> or <c>invalid</c>.</summary>
    public string? Status { get; init; }

    /// <summary>The identifiers the order covers.</summary>
    public AcmeIdentifier[]? Identifiers { get; init; }

    /// <summary>Authorization URLs to satisfy.</summary>
    public Uri[]? Authorizations { get; init; }

    /// <summary>URL to POST the CSR to once the order is ready.</summary>
    public Uri? Finalize { get; init; }

    /// <summary>URL of the issued certificate once the order is valid.</summary>
    public Uri? Certificate { get; init; }

    /// <summary>Why the order became invalid, if it did.</summary>
    public AcmeProblem? Error { get; init; }
}
