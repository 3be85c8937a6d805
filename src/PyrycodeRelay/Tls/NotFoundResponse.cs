using Microsoft.AspNetCore.Http;

namespace PyrycodeRelay.Tls;

/// <summary>The 404 of protocol.md §2, used on the HTTP (ACME challenge) listener.</summary>
internal static class NotFoundResponse
{
    private static readonly byte[] Body = "404 page not found\n"u8.ToArray();

    /// <summary>Writes 404, <c>text/plain; charset=utf-8</c>, <c>nosniff</c>, body <c>404 page not found</c> + LF.</summary>
    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status404NotFound;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body).AsTask();
    }
}
