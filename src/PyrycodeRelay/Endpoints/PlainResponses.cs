using Microsoft.AspNetCore.Http;

namespace PyrycodeRelay.Endpoints;

/// <summary>The fixed plain-text responses of docs/protocol.md#routes, #before-the-upgrade.</summary>
internal static class PlainResponses
{
    private static readonly byte[] NotFoundBody = "404 page not found\n"u8.ToArray();
    private static readonly byte[] LineFeed = [(byte)'\n'];

    /// <summary>404 with body <c>404 page not found</c> + LF (any method).</summary>
    public static Task NotFoundAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status404NotFound, NotFoundBody);

    /// <summary>The 400/429/503 shape: a single LF body; no reason, nothing echoed.</summary>
    public static Task RejectAsync(HttpContext context, int status) => WriteAsync(context, status, LineFeed);

    private static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }
}
