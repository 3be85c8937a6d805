using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Hand-written HTTP/1.1 over plain or TLS connections (a <see cref="RelayTarget"/>): requests built line by line
/// (exact, repeated, empty or non-ASCII headers), exact responses, and connections watched until the server closes.
/// Every wait has a deadline that fails the test.
/// </summary>
internal static class RawHttp
{
    /// <summary>The deadline of one exchange.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The RFC 6455 sample key (its accept value is <c>s3pPLMBiTxaQ9kYGzzhZRbK+xOo=</c>).</summary>
    public const string WsKey = "dGhlIHNhbXBsZSBub25jZQ==";

    /// <summary>
    /// A request with <c>Host</c> first (when not null), then <paramref name="headers"/> exactly as given (lines
    /// without CRLF), then the blank line.
    /// </summary>
    public static string Request(string method, string path, string? host, IEnumerable<string> headers)
    {
        var sb = new StringBuilder($"{method} {path} HTTP/1.1\r\n");
        if (host is not null)
        {
            sb.Append("Host: ").Append(host).Append("\r\n");
        }

        foreach (var h in headers)
        {
            sb.Append(h).Append("\r\n");
        }

        return sb.Append("\r\n").ToString();
    }

    /// <summary>A GET request with extra header lines.</summary>
    public static string Get(string path, string host, params string[] headers) => Request("GET", path, host, headers);

    /// <summary>A complete WebSocket upgrade request for <paramref name="path"/> with extra header lines.</summary>
    public static string Upgrade(string path, string host, params string[] headers) => Upgrade(path, host, (IEnumerable<string>)headers);

    /// <summary>
    /// An upgrade request: with <paramref name="websocket"/> the <c>Connection</c>, <c>Upgrade</c>,
    /// <c>Sec-WebSocket-Version</c> (unless empty) and <c>Sec-WebSocket-Key</c> (unless null) lines come first,
    /// then <paramref name="headers"/> exactly as given.
    /// </summary>
    public static string Upgrade(string path, string host, IEnumerable<string> headers, string method = "GET", bool websocket = true,
        string? key = WsKey, string version = "13")
    {
        List<string> lines = [];
        if (websocket)
        {
            lines.AddRange(["Connection: Upgrade", "Upgrade: websocket"]);
            if (version.Length > 0)
            {
                lines.Add("Sec-WebSocket-Version: " + version);
            }

            if (key is not null)
            {
                lines.Add("Sec-WebSocket-Key: " + key);
            }
        }

        return Request(method, path, host, [.. lines, .. headers]);
    }

    /// <summary>An upgrade request to 127.0.0.1 with <paramref name="headers"/> as name/value pairs, in order (see the other overload).</summary>
    public static string Upgrade(string path, IEnumerable<(string Name, string Value)> headers, string method = "GET", bool websocket = true,
        string? key = WsKey, string version = "13") =>
        Upgrade(path, "127.0.0.1", headers.Select(h => h.Name + ": " + h.Value), method, websocket, key, version);

    /// <summary>An upgrade request carrying a binary's three headers for <paramref name="serverId"/>.</summary>
    public static string BinaryUpgrade(string host, string serverId, params string[] extra) =>
        Upgrade("/v1/server", host, [.. ClientHeaders.Lines(ClientHeaders.Binary(serverId)), .. extra]);

    /// <summary>An upgrade request carrying a phone's three headers for <paramref name="serverId"/>.</summary>
    public static string PhoneUpgrade(string host, string serverId, params string[] extra) =>
        Upgrade("/v1/client", host, [.. ClientHeaders.Lines(ClientHeaders.Phone(serverId)), .. extra]);

    /// <summary>Opens a connection to <paramref name="target"/>, sends one request (UTF-8), reads one response, closes.</summary>
    public static async Task<RawResponse> SendAsync(RelayTarget target, string request)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var stream = await target.OpenStreamAsync(cts.Token);
        return await ExchangeAsync(stream, request, cts.Token);
    }

    /// <summary>Sends one request on an open stream and reads one response.</summary>
    public static async Task<RawResponse> ExchangeAsync(Stream stream, string request, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), ct);
        await stream.FlushAsync(ct);
        return await ReadResponseAsync(stream, ct);
    }

    /// <summary>
    /// Reads exactly one response, and nothing after it: the head byte by byte, then a Content-Length body
    /// (101, 204 and 304 have none; without Content-Length the body runs to the close).
    /// </summary>
    public static async Task<RawResponse> ReadResponseAsync(Stream stream, CancellationToken ct)
    {
        var received = new List<byte>();
        var buffer = new byte[1];
        while (!EndsWithBlankLine(received))
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0)
            {
                throw new IOException($"connection closed after {received.Count} bytes without a complete response head: '{Encoding.UTF8.GetString([.. received])}'");
            }

            received.Add(buffer[0]);
        }

        var head = Encoding.UTF8.GetString([.. received], 0, received.Count - 4);
        var response = RawResponse.Parse(head, []);
        var length = response.Header("Content-Length") is { } cl ? int.Parse(cl, CultureInfo.InvariantCulture) : (int?)null;
        if (response.Status is 101 or 204 or 304)
        {
            return response;
        }

        if (length is { } l)
        {
            var body = new byte[l];
            await stream.ReadExactlyAsync(body, ct);
            return response with { Body = body };
        }

        using var rest = new MemoryStream();
        await stream.CopyToAsync(rest, ct);
        return response with { Body = rest.ToArray() };
    }

    /// <summary>As <see cref="ExchangeTextAsync(Stream, string, bool, CancellationToken)"/> up to a complete response, within <see cref="Timeout"/>.</summary>
    public static async Task<string> ExchangeTextAsync(Stream stream, string request)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await ExchangeTextAsync(stream, request, untilClosed: false, cts.Token);
    }

    /// <summary>
    /// Sends one request and returns what came back exactly as text (ASCII): everything until the server closes
    /// when <paramref name="untilClosed"/>, else until a complete Content-Length response (or the close). A reset after
    /// some bytes ends the read.
    /// </summary>
    public static async Task<string> ExchangeTextAsync(Stream stream, string request, bool untilClosed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        await stream.FlushAsync(ct);
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        while (untilClosed || !IsComplete(Encoding.ASCII.GetString(received.ToArray())))
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, ct);
            }
            catch (IOException) when (received.Length > 0)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>A TCP connection to 127.0.0.1:<paramref name="port"/> (fails after <see cref="RelayTarget.ConnectTimeout"/>).</summary>
    public static Task<Socket> ConnectAsync(int port) => new RelayTarget(port).ConnectAsync();

    /// <summary>
    /// <c>GET path</c> (Host <c>relay.test</c>, <c>Connection: close</c>, extra header lines) on a new connection to
    /// <paramref name="port"/>; reads until the server closes and parses one head, every byte after it being the body.
    /// </summary>
    public static async Task<RawResponse> GetAsync(int port, string path, params string[] headers)
    {
        using var socket = await ConnectAsync(port);
        return await GetAsync(socket, path, headers);
    }

    /// <summary>As <see cref="GetAsync(int, string, string[])"/> on an open connection.</summary>
    public static async Task<RawResponse> GetAsync(Socket socket, string path, params string[] headers)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(Get(path, "relay.test", ["Connection: close", .. headers])), SocketFlags.None);
        return RawResponse.Parse((await ReadUntilClosedAsync(socket)).Bytes);
    }

    /// <summary>Sends bytes, tolerating a reset by a server that already closed.</summary>
    public static async Task SendBytesAsync(Socket socket, byte[] bytes)
    {
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
        }
    }

    /// <summary>
    /// Reads from <paramref name="socket"/> until the peer closes (EOF or reset) and returns every byte received and
    /// the time from this call to the close; fails the test if it stays open past <paramref name="deadline"/> (10 s).
    /// </summary>
    public static async Task<ClosedConnection> ReadUntilClosedAsync(Socket socket, TimeSpan? deadline = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var cts = new CancellationTokenSource(deadline ?? Timeout);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return new ClosedConnection(received.ToArray(), Stopwatch.GetElapsedTime(started), Reset: false);
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"connection still open after {deadline ?? Timeout}; received {received.Length} bytes");
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return new ClosedConnection(received.ToArray(), Stopwatch.GetElapsedTime(started), Reset: true);
        }
    }

    private static bool IsComplete(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var length = end < 0 ? null : text[..end].Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => (int?)int.Parse(l[15..].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
        return length is { } l && text.Length - end - 4 >= l;
    }

    private static bool EndsWithBlankLine(List<byte> bytes)
    {
        var n = bytes.Count;
        return n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n';
    }
}
