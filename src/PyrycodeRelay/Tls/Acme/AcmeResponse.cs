using System.Net;
using System.Net.Http.Headers;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>What the client keeps of an ACME HTTP response.</summary>
internal sealed record AcmeResponse(HttpStatusCode Status, Uri? Location, RetryConditionHeaderValue? RetryAfter,
    string? ContentType, byte[] Body);
