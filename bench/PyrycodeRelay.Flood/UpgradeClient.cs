using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Flood;

/// <summary>Raw HTTP/1.1 upgrade attempts from a chosen source address.</summary>
internal static class UpgradeClient
{
    /// <summary>Opens a connection from <paramref name="source"/>, sends an upgrade, returns the status and the open socket.</summary>
    public static async Task<(int Status, Socket Socket)> AttemptAsync(IPAddress source, int port, string path, string[] headers, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            var request = $"GET {path} HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), ct);
            var buffer = new byte[512];
            var n = await socket.ReceiveAsync(buffer, ct);
            var text = Encoding.ASCII.GetString(buffer, 0, n);
            var status = text.Length >= 12 && text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
            return (status, socket);
        }
        catch
        {
            socket.Dispose();
            return (-1, null!);
        }
    }
}
