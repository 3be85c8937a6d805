using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.AllocProbe;

/// <summary>
/// Issue 13 finding 10: memory per phone while the relay is not reading it. Binaries never read, so each phone's
/// reader waits on its write to the binary while the phone keeps sending 256 KiB frames: what the relay then holds
/// per phone is one inbound message (the one it waits to forward) plus the transport's read-ahead
/// (<see cref="RelayOptions.TransportReadBufferBytes"/>; Kestrel's default was 1 MiB). Prints RSS and GC deltas.
/// Usage: dotnet run -c Release --project bench/PyrycodeRelay.AllocProbe -- readahead [phones] [transport block bytes]
/// </summary>
internal static class ReadAhead
{
    public static async Task<int> RunAsync(int phones, int? blockBytes = null)
    {
        const int frameBytes = 262144 - 64;
        const int perServer = 16;
        await using var host = await RelayHost.StartAsync(new RelayHostSettings
        {
            Options = new RelayOptions { TransportBlockBytes = blockBytes ?? new RelayOptions().TransportBlockBytes, RateLimitBurst = 1_000_000, MaxConnections = 100_000, MaxConnectionsPerSource = 100_000, MaxPendingConnectionsPerSource = 100_000, HeartbeatInterval = TimeSpan.FromHours(1), WriteTimeout = TimeSpan.FromMinutes(5) },
            Loggers = NullLoggerFactory.Instance,
            RelayListener = new ListenEndpoint("127.0.0.1:0", ListenHostKind.IpLiteral, IPAddress.Loopback, 0),
        });
        var binaries = new List<RawPeer>();
        var servers = (phones + perServer - 1) / perServer;
        for (var i = 0; i < servers; i++)
        {
            binaries.Add(await RawPeer.ConnectAsync(host.RelayPort, "/v1/server", $"X-Pyrycode-Server: r{i}", "X-Pyrycode-Version: 1", "User-Agent: probe"));
        }

        while (host.Registry.ConnectedBinaries < servers)
        {
            await Task.Delay(20);
        }

        var clients = new List<RawPeer>();
        for (var i = 0; i < phones; i++)
        {
            clients.Add(await RawPeer.ConnectAsync(host.RelayPort, "/v1/client", $"X-Pyrycode-Server: r{i / perServer}", "X-Pyrycode-Token: t", "User-Agent: probe"));
        }

        while (host.Registry.ConnectedPhones < phones)
        {
            await Task.Delay(20);
        }

        var idle = WorstCase.Measure();
        var idleMap = MemoryMap.Take();
        var payload = new byte[frameBytes];
        payload.AsSpan().Fill((byte)'1'); // a JSON number: a valid phone frame
        var frame = RawPeer.MaskedText(payload);
        var failed = 0;
        async Task StallAsync(IEnumerable<RawPeer> group)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
            await Task.WhenAll(group.Select(c => Task.Run(async () =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await c.SendAsync(frame).AsTask().WaitAsync(stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                    // the kernel buffers are full: the relay holds what it will hold
                }
                catch (System.Net.Sockets.SocketException)
                {
                    Interlocked.Increment(ref failed);
                }
            })));
        }

        // Two stages: the first half warms up what the process pays once (JIT code, threads, malloc arenas, GC
        // regions), so the second half's growth is the marginal cost of one more phone that is not being read.
        var half = phones / 2;
        await StallAsync(clients.Take(half));
        var mid = WorstCase.Measure();
        var midMap = MemoryMap.Take();
        var midPoh = GC.GetGCMemoryInfo().GenerationInfo[4].SizeAfterBytes;
        await StallAsync(clients.Skip(half));
        var busy = WorstCase.Measure();
        var busyMap = MemoryMap.Take();
        Console.WriteLine($"phones reset by the relay: {failed}");
        Console.WriteLine($"phones={phones} binaries={servers} transport read-ahead={new RelayOptions().TransportReadBufferBytes / 1024} KiB, blocks={(blockBytes ?? new RelayOptions().TransportBlockBytes) / 1024} KiB");
        Console.WriteLine($"idle:  rss={idle.Rss / 1024} KiB committed={idle.Committed / 1024} KiB");
        Console.WriteLine($"busy:  rss={busy.Rss / 1024} KiB committed={busy.Committed / 1024} KiB");
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"heap after GC: {busy.Heap / 1024} KiB (idle {idle.Heap / 1024} KiB); pinned object heap {gc.GenerationInfo[4].SizeAfterBytes / 1024} KiB, LOH {gc.GenerationInfo[3].SizeAfterBytes / 1024} KiB");
        var pools = host.TransportPools.Pools;
        Console.WriteLine($"transport pool blocks: {pools.Sum(p => p.Allocated)} allocated, {pools.Sum(p => p.Retained)} free");
        Console.WriteLine($"per phone not being read (binary stalled, phone sending 256 KiB frames): rss +{(busy.Rss - idle.Rss) / phones / 1024.0:F1} KiB, GC committed +{(busy.Committed - idle.Committed) / phones / 1024.0:F1} KiB");
        busyMap.PrintGrowth(idleMap);
        var rest = phones - half;
        Console.WriteLine($"marginal per phone (second {rest} after the first {half}): rss +{(busy.Rss - mid.Rss) / rest / 1024.0:F1} KiB, GC committed +{(busy.Committed - mid.Committed) / rest / 1024.0:F1} KiB, "
            + $"anon +{(busyMap.AnonKiB - midMap.AnonKiB) / (double)rest:F1} KiB, file +{(busyMap.FileKiB - midMap.FileKiB) / (double)rest:F1} KiB, "
            + $"pinned object heap +{(gc.GenerationInfo[4].SizeAfterBytes - midPoh) / rest / 1024.0:F1} KiB, heap after GC +{(busy.Heap - mid.Heap) / rest / 1024.0:F1} KiB, threads {midMap.Threads} -> {busyMap.Threads}");
        busyMap.PrintGrowth(midMap, 6);
        foreach (var peer in clients.Concat(binaries))
        {
            peer.Dispose();
        }

        return 0;
    }
}
