namespace PyrycodeRelay.Tls.Acme;

/// <summary>An ACME challenge object (RFC 8555 §7.1.5, §8).</summary>
internal sealed record AcmeChallenge
{
    /// <summary>Challenge type, e.g. <c>http-01</c>.</summary>
    public string? Type { get; init; }

    /// <summary>URL to POST to when the response is in place.</summary>
    public Uri? Url { get; init; }

    /// <summary><c>pending</c>, <c>processing</c>, <c>valid</c> or <c>invalid</c>.</summary>
    public string? Status { get; init; }

    /// <summary>The challenge token (base64url).</summary>
    public string? Token { get; init; }

    /// <summary>Why validation failed, if it did.</summary>
    public AcmeProblem? Error { get; init; }
}
