using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.AllocProbe;

/// <summary>
/// docs/operations.md#connection-cap-sizing check: memory per connection when every connection is midway through a
/// maximum-size inbound message (the relay holds the partial message). Prints RSS and GC heap deltas.
/// Usage: dotnet run -c Release --project bench/PyrycodeRelay.AllocProbe -- worst [connections]
/// </summary>
internal static class WorstCase
{
    public static async Task<int> RunAsync(int connections)
    {
        const int max = 262144;
        await using var host = await RelayHost.StartAsync(new RelayHostSettings
        {
            Options = new RelayOptions { RateLimitBurst = 1_000_000, MaxConnections = 100_000, HeartbeatInterval = TimeSpan.FromHours(1) },
            Loggers = NullLoggerFactory.Instance,
            RelayListener = new ListenEndpoint("127.0.0.1:0", ListenHostKind.IpLiteral, IPAddress.Loopback, 0),
        });
        var peers = new List<RawPeer>();
        for (var i = 0; i < connections; i++)
        {
            peers.Add(await RawPeer.ConnectAsync(host.RelayPort, "/v1/server", $"X-Pyrycode-Server: w{i}", "X-Pyrycode-Version: 1", "User-Agent: probe"));
        }

        while (host.Registry.ConnectedBinaries < connections)
        {
            await Task.Delay(20);
        }

        var idle = Measure();

        // A masked text frame header announcing 262144 bytes, then all but the last byte.
        var partial = new byte[10 + 4 + max - 1];
        partial[0] = 0x81;
        partial[1] = 0x80 | 127;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(partial.AsSpan(2), max);
        partial.AsSpan(14).Fill((byte)'x');
        foreach (var peer in peers)
        {
            await peer.SendAsync(partial);
        }

        await Task.Delay(2000); // let the relay read everything that was sent
        var busy = Measure();
        Console.WriteLine($"connections={connections}");
        Console.WriteLine($"idle:  rss={idle.Rss / 1024} KiB heap={idle.Heap / 1024} KiB committed={idle.Committed / 1024} KiB");
        Console.WriteLine($"busy:  rss={busy.Rss / 1024} KiB heap={busy.Heap / 1024} KiB committed={busy.Committed / 1024} KiB");
        Console.WriteLine($"per connection midway through a {max / 1024} KiB message: rss +{(busy.Rss - idle.Rss) / connections / 1024.0:F1} KiB, GC committed +{(busy.Committed - idle.Committed) / connections / 1024.0:F1} KiB");
        foreach (var peer in peers)
        {
            peer.Dispose();
        }

        return 0;
    }

    private static (long Rss, long Heap, long Committed) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var info = GC.GetGCMemoryInfo();
        var rss = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (kib * 1024, info.HeapSizeBytes, info.TotalCommittedBytes);
    }
}
