using PyrycodeRelay.LoadGen.Net;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>
/// Holds idle connections for the memory scenario. Relay (<c>--pairs k</c>): k binaries, then one phone
/// per binary. Echo/nginx (<c>--count n</c>): n plain connections. Every connection keeps a read pending
/// and answers Pings. Prints <c>READY n ms</c>; closes everything when a line (or EOF) arrives on stdin.
/// </summary>
internal static class IdleWorker
{
    public static async Task<int> RunAsync(WorkerArgs a)
    {
        var (remote, _) = a.Url();
        var locals = a.Locals();
        var concurrency = a.Int("concurrency", 128);
        var stats = new Stats();
        List<WsClient> all = [];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (a.Get("kind", "relay") == "relay")
        {
            var tag = a.Require("tag");
            var pairs = a.Int("pairs", 1);
            var (bins, _) = await Connector.ConnectAllAsync(pairs, remote, locals,
                i => ("/v1/server", Connector.BinaryHeaders(Connector.ServerId(tag, i))), 1024, concurrency, seed: 11);
            all.AddRange(bins);
            await Task.Delay(200); // the claims complete right after the 101s
            var (phones, _) = await Connector.ConnectAllAsync(pairs, remote, locals,
                i => ("/v1/client", Connector.PhoneHeaders(Connector.ServerId(tag, i))), 1024, concurrency, seed: 13);
            all.AddRange(phones);
        }
        else
        {
            var (clients, _) = await Connector.ConnectAllAsync(a.Int("count", 1), remote, locals,
                _ => ("/echo", Connector.PhoneHeaders("idle")), 1024, concurrency, seed: 17);
            all.AddRange(clients);
        }

        var loops = all.Select(async c =>
        {
            while (await c.ReceiveAsync())
            {
                Interlocked.Increment(ref stats.Unexpected);
            }

            if (!stats.Closing)
            {
                Interlocked.Increment(ref stats.Disconnects);
            }
        }).ToArray();
        Console.WriteLine($"READY {all.Count} {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0}");
        await Task.Run(Console.In.ReadLine);
        stats.Closing = true;
        Console.WriteLine($"RESULT {{\"Connections\":{all.Count},\"Disconnects\":{stats.Disconnects},\"Unexpected\":{stats.Unexpected}}}");
        foreach (var c in all)
        {
            await c.CloseAsync();
        }

        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(5000));
        foreach (var c in all)
        {
            c.Dispose();
        }

        return 0;
    }
}
