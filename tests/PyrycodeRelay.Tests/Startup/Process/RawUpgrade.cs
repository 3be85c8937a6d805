using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>A raw TCP client that completes a WebSocket upgrade and then does nothing (never reads, never answers).</summary>
internal static class RawUpgrade
{
    /// <summary>Upgrades <c>/v1/server</c> with the standard binary headers; returns the socket after the 101 response head.</summary>
    public static async Task<Socket> BinaryAsync(int port, string serverId = "s1")
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
            var request =
                "GET /v1/server HTTP/1.1\r\n" +
                $"Host: 127.0.0.1:{port}\r\n" +
                "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                $"X-Pyrycode-Server: {serverId}\r\nX-Pyrycode-Version: 0.1.0-test\r\nUser-Agent: pyry-test/0.1.0\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cts.Token);

            // Read the response head one byte at a time so nothing after it is consumed.
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(one, SocketFlags.None, cts.Token);
                Assert.True(n == 1, "connection closed during the upgrade; got: " + head);
                head.Append((char)one[0]);
            }

            Assert.StartsWith("HTTP/1.1 101 ", head.ToString(), StringComparison.Ordinal);
            Assert.Contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", head.ToString(), StringComparison.OrdinalIgnoreCase);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
