using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>Plain HTTP/1.1 over a raw socket: exact status line, headers and body bytes.</summary>
internal static class RawHttp
{
    /// <summary>Sends <c>GET path</c> with <c>Connection: close</c> and the given extra header lines.</summary>
    public static async Task<RawResponse> GetAsync(int port, string path, params string[] headers)
    {
        using var socket = await RawSocket.ConnectAsync(port);
        return await GetAsync(socket, path, headers);
    }

    public static async Task<RawResponse> GetAsync(Socket socket, string path, params string[] headers)
    {
        var request = new StringBuilder($"GET {path} HTTP/1.1\r\nHost: relay.test\r\nConnection: close\r\n");
        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        request.Append("\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(request.ToString()), SocketFlags.None);
        var closed = await RawSocket.ReadUntilClosedAsync(socket);
        return RawResponse.Parse(closed.Received);
    }

    internal sealed record RawResponse(string StatusLine, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
    {
        public int Status => int.Parse(StatusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

        public string? Header(string name)
        {
            var values = Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(values.Count <= 1, $"header {name} repeated");
            return values.Count == 0 ? null : values[0].Value;
        }

        public static RawResponse Parse(byte[] bytes)
        {
            var text = Encoding.Latin1.GetString(bytes);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.True(end > 0, $"no complete response head in {bytes.Length} bytes");
            var lines = text[..end].Split("\r\n");
            var headers = lines.Skip(1).Select(l =>
            {
                var colon = l.IndexOf(':', StringComparison.Ordinal);
                return (l[..colon], l[(colon + 1)..].Trim());
            }).ToList();
            return new RawResponse(lines[0], headers, bytes[(end + 4)..]);
        }
    }
}
