using System.Text.Json;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>
/// The binaries side: claims <c>--binaries</c> server-ids and echoes every envelope back until a line
/// (or EOF) arrives on stdin. Prints <c>READY n ms</c>, then <c>RESULT {json}</c>.
/// </summary>
internal static class BinariesWorker
{
    public static async Task<int> RunAsync(WorkerArgs a)
    {
        var (remote, path) = a.Url();
        var tag = a.Require("tag");
        var count = a.Int("binaries", 1);
        var stats = new Stats();
        var (clients, elapsed) = await Connector.ConnectAllAsync(count, remote, a.Locals(),
            i => (path, Connector.BinaryHeaders(Connector.ServerId(tag, i))), a.Int("buffer", 64 * 1024), a.Int("concurrency", 64), seed: 3, a.TlsHost());
        var binaries = clients.Select((c, i) => new BinaryConn(c, Connector.ServerId(tag, i), stats)).ToArray();
        var loops = binaries.Select(b => b.EchoLoopAsync()).ToArray();
        var tls = count == 0 ? "" : clients[0].TlsInfo;
        Console.WriteLine($"READY {count} {elapsed.TotalMilliseconds:F0}");
        await Task.Run(Console.In.ReadLine);
        stats.Closing = true;
        foreach (var b in binaries)
        {
            await b.Client.CloseAsync();
        }

        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(5000));
        foreach (var b in binaries)
        {
            b.Client.Dispose();
        }

        Console.WriteLine("RESULT " + JsonSerializer.Serialize(new BinariesResult(count, stats.Received, stats.Unexpected, stats.Disconnects, tls)));
        return 0;
    }
}

/// <summary>What a binaries worker reports.</summary>
internal sealed record BinariesResult(int Binaries, long Echoed, long Unexpected, long Disconnects, string Tls = "");
