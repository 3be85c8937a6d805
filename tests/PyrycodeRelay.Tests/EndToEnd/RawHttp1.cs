using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>One HTTP/1.1 response exactly as received: status line, header lines in order, body bytes.</summary>
internal sealed record RawResponse(string StatusLine, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public int Status => int.Parse(StatusLine.Split(' ')[1], CultureInfo.InvariantCulture);

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The single value of <paramref name="name"/> (null when absent; fails when repeated).</summary>
    public string? Header(string name)
    {
        var values = Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(values.Count <= 1, $"header {name} repeated");
        return values.Count == 0 ? null : values[0].Value;
    }

    /// <summary>The header names, lower case, sorted.</summary>
    public IEnumerable<string> HeaderNames => Headers.Select(h => h.Name.ToLowerInvariant()).Order(StringComparer.Ordinal);

    public override string ToString() => StatusLine + " " + string.Join("; ", Headers.Select(h => h.Name + ": " + h.Value)) + " body=" + BodyText;
}

/// <summary>Hand-written HTTP/1.1 requests over plain or TLS streams, with exact responses.</summary>
internal static class RawHttp1
{
    public const string WsKey = "dGhlIHNhbXBsZSBub25jZQ==";

    /// <summary>A complete WebSocket upgrade request for <paramref name="path"/> with extra header lines.</summary>
    public static string Upgrade(string path, string host, params string[] headers) =>
        Request("GET", path, host, ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: " + WsKey, .. headers]);

    /// <summary>An upgrade request carrying a binary's three headers for <paramref name="serverId"/>.</summary>
    public static string BinaryUpgrade(string host, string serverId, params string[] extra) =>
        Upgrade("/v1/server", host, ["X-Pyrycode-Server: " + serverId, "X-Pyrycode-Version: 0.1.0-test", "User-Agent: pyry-test/0.1.0", .. extra]);

    /// <summary>An upgrade request carrying a phone's three headers for <paramref name="serverId"/>.</summary>
    public static string PhoneUpgrade(string host, string serverId, params string[] extra) =>
        Upgrade("/v1/client", host, ["X-Pyrycode-Server: " + serverId, "X-Pyrycode-Token: phone-token-opaque", "User-Agent: pyry-phone-test/0.1.0", .. extra]);

    public static string Get(string path, string host, params string[] headers) => Request("GET", path, host, headers);

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

    /// <summary>Opens a connection to <paramref name="target"/>, sends one request, reads one response, closes.</summary>
    public static async Task<RawResponse> SendAsync(E2eTarget target, string request)
    {
        using var cts = new CancellationTokenSource(E2eWs.DefaultTimeout);
        await using var stream = await target.OpenStreamAsync(cts.Token);
        return await ExchangeAsync(stream, request, cts.Token);
    }

    /// <summary>Sends one request on an open stream and reads one response (Content-Length framed; 101 has no body).</summary>
    public static async Task<RawResponse> ExchangeAsync(Stream stream, string request, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), ct);
        await stream.FlushAsync(ct);
        return await ReadResponseAsync(stream, ct);
    }

    /// <summary>Reads exactly one response. Without Content-Length (and not 101/204/304) reads until the peer closes.</summary>
    public static async Task<RawResponse> ReadResponseAsync(Stream stream, CancellationToken ct)
    {
        var received = new List<byte>();
        var buffer = new byte[1];
        int end;
        while ((end = HeadEnd(received)) < 0)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0)
            {
                throw new IOException($"connection closed after {received.Count} bytes without a complete response head: '{Encoding.Latin1.GetString([.. received])}'");
            }

            received.Add(buffer[0]);
        }

        var head = Encoding.Latin1.GetString([.. received], 0, end);
        var lines = head.Split("\r\n");
        var headers = lines.Skip(1).Select(l =>
        {
            var colon = l.IndexOf(':', StringComparison.Ordinal);
            return (l[..colon], l[(colon + 1)..].Trim());
        }).ToList();
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var length = headers.Where(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(h => (int?)int.Parse(h.Item2, CultureInfo.InvariantCulture)).FirstOrDefault();
        byte[] body;
        if (status is 101 or 204 or 304)
        {
            body = [];
        }
        else if (length is { } l)
        {
            body = new byte[l];
            await stream.ReadExactlyAsync(body, ct);
        }
        else
        {
            using var rest = new MemoryStream();
            await stream.CopyToAsync(rest, ct);
            body = rest.ToArray();
        }

        return new RawResponse(lines[0], headers, body);
    }

    private static int HeadEnd(List<byte> bytes)
    {
        var n = bytes.Count;
        return n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n' ? n - 4 : -1;
    }

    /// <summary>
    /// Reads from <paramref name="socket"/> until the peer closes (EOF or reset) and returns every byte received;
    /// fails the test if it stays open past <paramref name="deadline"/>.
    /// </summary>
    public static async Task<(byte[] Bytes, TimeSpan Elapsed, bool Reset)> ReadUntilClosedAsync(Socket socket, TimeSpan deadline)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var cts = new CancellationTokenSource(deadline);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        var reset = false;
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"connection still open after {deadline}; received {received.Length} bytes");
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            reset = true;
        }

        return (received.ToArray(), System.Diagnostics.Stopwatch.GetElapsedTime(started), reset);
    }
}
