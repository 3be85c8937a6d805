namespace PyrycodeRelay.Tests.Support;

/// <summary>The exact shapes of the relay's own HTTP answers.</summary>
internal static class RelayResponses
{
    /// <summary>
    /// The docs/protocol.md#before-the-upgrade refusal before any upgrade (400 header gate, 429 rate limit, 503 connection cap):
    /// <paramref name="status"/>, <c>text/plain; charset=utf-8</c>, <c>nosniff</c>, a body of a single LF, and no
    /// other header (so nothing is echoed and no <c>Sec-WebSocket-Accept</c>).
    /// </summary>
    public static void AssertRefusal(RawResponse response, int status)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Status == status, $"expected {status}, got {response}");
        Assert.Equal("text/plain; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Equal("1", response.Header("Content-Length"));
        Assert.Equal("\n"u8.ToArray(), response.Body);
        Assert.Equal(["content-length", "content-type", "date", "x-content-type-options"], response.HeaderNames);
    }

    /// <summary>The docs/protocol.md#routes 404 of the HTTP listener in TLS mode: exact body and headers, and no redirect.</summary>
    public static void AssertNotFound(RawResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(404, response.Status);
        Assert.Equal("404 page not found\n", response.BodyText);
        Assert.Equal("text/plain; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Null(response.Header("Location"));
    }

    /// <summary>The Host gate's 421 on the TLS listener: an empty body and only Content-Length and Date.</summary>
    public static void AssertMisdirected(RawResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal("HTTP/1.1 421 Misdirected Request", response.StatusLine);
        Assert.Equal("0", response.Header("Content-Length"));
        Assert.Empty(response.Body);
        Assert.Equal(["content-length", "date"], response.HeaderNames);
    }
}
