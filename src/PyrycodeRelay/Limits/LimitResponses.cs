using Microsoft.AspNetCore.Http;

namespace PyrycodeRelay.Limits;

/// <summary>
/// The one response shape of docs/protocol.md#before-the-upgrade steps 1–3 (429, 503, 400): <c>Content-Type: text/plain;
/// charset=utf-8</c>, <c>X-Content-Type-Options: nosniff</c>, body a single LF; no reason, nothing echoed.
/// </summary>
internal static class LimitResponses
{
    /// <summary>The <c>Content-Type</c> value.</summary>
    public const string ContentType = "text/plain; charset=utf-8";

    /// <summary>The <c>X-Content-Type-Options</c> header name.</summary>
    public const string ContentTypeOptionsHeader = "X-Content-Type-Options";

    /// <summary>The <c>X-Content-Type-Options</c> value.</summary>
    public const string NoSniff = "nosniff";

    /// <summary>Writes the 429 of the rate limiter.</summary>
    public static Task WriteTooManyRequestsAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status429TooManyRequests);

    /// <summary>Writes the 503 of the connection cap.</summary>
    public static Task WriteServiceUnavailableAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status503ServiceUnavailable);

    /// <summary>Writes the 400 of the header gate.</summary>
    public static Task WriteBadRequestAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status400BadRequest);

    /// <summary>Writes <paramref name="statusCode"/> with the docs/protocol.md#before-the-upgrade headers and the one-LF body.</summary>
    public static Task WriteAsync(HttpContext context, int statusCode)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Endpoints.PlainResponses.RejectAsync(context, statusCode);
    }
}
