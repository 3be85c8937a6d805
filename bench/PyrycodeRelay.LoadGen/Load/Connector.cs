using System.Diagnostics;
using System.Globalization;
using System.Net;
using PyrycodeRelay.LoadGen.Net;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>Opens many connections with bounded concurrency over several source addresses.</summary>
internal static class Connector
{
    /// <summary>The server-id of binary <paramref name="index"/> in run <paramref name="tag"/> (UUID-shaped, 36 characters).</summary>
    public static string ServerId(string tag, int index) => string.Create(CultureInfo.InvariantCulture, $"{tag}-0000-4000-8000-{index:x12}");

    public static string BinaryHeaders(string serverId) =>
        $"X-Pyrycode-Server: {serverId}\r\nX-Pyrycode-Version: bench\r\nUser-Agent: pyrycode-loadgen\r\n";

    public static string PhoneHeaders(string serverId) =>
        $"X-Pyrycode-Server: {serverId}\r\nX-Pyrycode-Token: bench-token\r\nUser-Agent: pyrycode-loadgen\r\n";

    /// <summary>
    /// Opens <paramref name="count"/> connections; <paramref name="describe"/> gives path and headers of
    /// connection i. Returns the clients in index order and the elapsed time. <paramref name="tlsHost"/>: connect
    /// with <c>wss</c> to that name (SNI and Host), null for plain <c>ws</c>.
    /// </summary>
    public static async Task<(WsClient[] Clients, TimeSpan Elapsed)> ConnectAllAsync(int count, IPEndPoint remote, IPAddress[] locals,
        Func<int, (string Path, string Headers)> describe, int receiveBuffer, int concurrency, int seed, string? tlsHost = null)
    {
        var clients = new WsClient[count];
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[Math.Max(1, Math.Min(concurrency, count))];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var (path, headers) = describe(i);
                    var local = locals.Length == 0 ? null : locals[i % locals.Length];
                    var mask = (uint)HashCode.Combine(seed, i) | 0x01010101u;
                    clients[i] = await ConnectWithRetryAsync(remote, local, path, headers, receiveBuffer, mask, tlsHost);
                }
            });
        }

        await Task.WhenAll(workers);
        return (clients, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<WsClient> ConnectWithRetryAsync(IPEndPoint remote, IPAddress? local, string path, string headers, int receiveBuffer, uint mask,
        string? tlsHost)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                return await WsClient.ConnectAsync(remote, local, path, headers, receiveBuffer, mask, cts.Token, tlsHost);
            }
            catch (Exception ex) when (attempt < 3 && ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException
                                                or System.Security.Authentication.AuthenticationException)
            {
                Console.Error.WriteLine($"connect retry {attempt + 1}: {ex.Message}");
                await Task.Delay(100 * (attempt + 1));
            }
        }
    }
}
