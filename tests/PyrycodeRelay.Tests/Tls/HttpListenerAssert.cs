namespace PyrycodeRelay.Tests.Tls;

internal static class HttpListenerAssert
{
    /// <summary>The docs/protocol.md#routes 404: exact body and headers, and no redirect.</summary>
    public static async Task Is404Async(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Null(response.Headers.Location);
    }
}
