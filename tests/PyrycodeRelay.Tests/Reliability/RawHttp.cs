using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>Raw HTTP/1.1 exchanges over a socket (exact header bytes, partial requests).</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and returns the response head and body (Content-Length framed).</summary>
    public static async Task<(string Head, string Body)> ExchangeAsync(int port, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(request), cts.Token);
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end];
                var cl = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var bodyLength = cl is null ? 0 : int.Parse(cl["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (length - end - 4 >= bodyLength)
                {
                    return (head, text.Substring(end + 4, bodyLength));
                }
            }

            var n = await socket.ReceiveAsync(buffer.AsMemory(length), cts.Token);
            if (n == 0)
            {
                return (text, "");
            }

            length += n;
        }
    }

    /// <summary>An upgrade request to <paramref name="path"/> with the given header lines (each without CRLF).</summary>
    public static string Upgrade(string path, params string[] headerLines) =>
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
        string.Concat(headerLines.Select(l => l + "\r\n")) + "\r\n";
}
