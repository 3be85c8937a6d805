using System.Net.Http.Headers;

namespace PyrycodeRelay.Push;

/// <summary>Shared HTTP plumbing of the token and send requests: the client, capped reads, transport texts.</summary>
internal static class FcmHttp
{
    /// <summary>Largest token reply read (1 MiB).</summary>
    public const int MaxTokenReplyBytes = 1 << 20;

    /// <summary>Largest send reply read (4 KiB).</summary>
    public const int MaxSendReplyBytes = 4096;

    /// <summary>The <c>Content-Type</c> of the send request (no charset parameter).</summary>
    public static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>One client for the process: redirects are never followed, no cookies, timeouts are per request.</summary>
    public static HttpClient CreateClient(TimeSpan requestTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = requestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes of the reply body; the rest is never read (the response is
    /// then disposed, which closes the connection). Returns the bytes read.
    /// </summary>
    public static async Task<ArraySegment<byte>> ReadCappedAsync(HttpResponseMessage response, int limit, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[Math.Min(limit, 16 * 1024)];
        var total = 0;
        while (total < limit)
        {
            if (total == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(limit, buffer.Length * 2));
            }

            var n = await stream.ReadAsync(buffer.AsMemory(total, buffer.Length - total), ct);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return new ArraySegment<byte>(buffer, 0, total);
    }

    /// <summary>
    /// A short, fixed description of a transport failure. Built only from the error category so it can never
    /// carry a URL, a header, a token or reply text.
    /// </summary>
    public static string Describe(Exception e) => e switch
    {
        HttpRequestException h => h.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "name resolution failed",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.SecureConnectionError => "tls handshake failed",
            HttpRequestError.HttpProtocolError => "http protocol error",
            HttpRequestError.ResponseEnded => "response ended prematurely",
            HttpRequestError.InvalidResponse => "invalid response",
            HttpRequestError.ProxyTunnelError => "proxy tunnel failed",
            HttpRequestError.ConfigurationLimitExceeded => "response exceeded a limit",
            _ => "transport error",
        },
        IOException => "read failed",
        _ => "transport error",
    };
}
