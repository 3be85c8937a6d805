using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace PyrycodeRelay.Flood;

/// <summary>A legitimate binary and phone exchanging sequence-numbered frames through the relay (echo by the binary).</summary>
internal sealed class LegitPair(int port, string serverId)
{
    private readonly List<double> _latenciesMs = [];

    public long RoundTrips { get; private set; }

    public int OrderViolations { get; private set; }

    public string? Failure { get; private set; }

    public IReadOnlyList<double> Latencies
    {
        get
        {
            lock (_latenciesMs)
            {
                return [.. _latenciesMs]; // the pair's loop appends concurrently
            }
        }
    }

    public async Task RunAsync(Func<bool> recording, CancellationToken ct)
    {
        try
        {
            using var binary = await ConnectAsync($"ws://127.0.0.1:{port}/v1/server", ("X-Pyrycode-Server", serverId), ("X-Pyrycode-Version", "1"), ("User-Agent", "legit"));
            await Task.Delay(200, ct);
            using var phone = await ConnectAsync($"ws://127.0.0.1:{port}/v1/client", ("X-Pyrycode-Server", serverId), ("X-Pyrycode-Token", "t"), ("User-Agent", "legit"));
            var buffer = new byte[4096];
            for (long seq = 0; !ct.IsCancellationRequested; seq++)
            {
                var started = Stopwatch.GetTimestamp();
                await phone.SendAsync(Encoding.UTF8.GetBytes($"{{\"seq\":{seq}}}"), WebSocketMessageType.Text, true, ct);
                var envelope = Encoding.UTF8.GetString(buffer, 0, (await binary.ReceiveAsync(buffer, ct)).Count);
                var connId = envelope[12..envelope.IndexOf('"', 12)];
                var frame = envelope[(envelope.IndexOf("\"frame\":", StringComparison.Ordinal) + 8)..^1];
                await binary.SendAsync(Encoding.UTF8.GetBytes($"{{\"conn_id\":\"{connId}\",\"frame\":{frame}}}"), WebSocketMessageType.Text, true, ct);
                var echoed = Encoding.UTF8.GetString(buffer, 0, (await phone.ReceiveAsync(buffer, ct)).Count);
                if (echoed != $"{{\"seq\":{seq}}}")
                {
                    OrderViolations++;
                }

                if (recording())
                {
                    RoundTrips++;
                    lock (_latenciesMs)
                    {
                        _latenciesMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }

                await Task.Delay(5, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Failure = ex.GetType().Name + ": " + ex.Message;
        }
    }

    private static async Task<ClientWebSocket> ConnectAsync(string url, params (string Name, string Value)[] headers)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        await socket.ConnectAsync(new Uri(url), CancellationToken.None);
        return socket;
    }
}
