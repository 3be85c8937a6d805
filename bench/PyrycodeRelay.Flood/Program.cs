using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.Flood;

/// <summary>
/// Abuse-limit load test (issue 6): legitimate binary/phone pairs keep exchanging frames while many source
/// addresses on 127.0.0.0/8 flood the upgrade endpoints. Shows the per-IP rate limit and the connection
/// cap holding (429 / 503), the legitimate sessions unaffected, and the relay's memory bounded.
/// After the flood, 8 legitimate binaries and 8 phones reconnect (new dials from 127.0.0.2 and 127.0.0.3): with the per-source cap
/// (issue 13) they get 101 when the flood comes from few sources; the per-endpoint reserve keeps room for the phones
/// whatever the number of flooding binaries' sources.
/// Usage: dotnet run -c Release --project bench/PyrycodeRelay.Flood -- [floodSeconds] [sources] [maxConnections] [relay flags…]
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var floodSeconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
        var sources = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
        var maxConnections = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300;
        var (port, metricsPort) = (FreePort(), FreePort());
        using var relay = StartRelay(port, metricsPort, maxConnections, args.Skip(3).ToArray());
        await WaitHealthyAsync(port);

        // Phase 1: legitimate traffic alone.
        using var stop = new CancellationTokenSource();
        var recording = false;
        var pairs = Enumerable.Range(0, 8).Select(i => new LegitPair(port, "legit-" + i)).ToArray();
        var legit = pairs.Select(p => p.RunAsync(() => Volatile.Read(ref recording), stop.Token)).ToArray();
        await Task.Delay(2000);
        Volatile.Write(ref recording, true);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var baseline = Snapshot(pairs);
        var rssBefore = RssKiB(relay.Id);

        // Phase 2: the flood.
        var statuses = new ConcurrentDictionary<int, long>();
        var held = new ConcurrentBag<Socket>();
        using var floodStop = new CancellationTokenSource(TimeSpan.FromSeconds(floodSeconds));
        var rssPeak = rssBefore;
        var workers = Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!floodStop.IsCancellationRequested)
            {
                var n = random.Next(sources);
                var source = new IPAddress([127, (byte)(1 + (n / 250)), (byte)(n % 250 + 1), 7]);
                string[] headers = random.Next(10) == 0
                    ? ["User-Agent: flood"] // header gate 400 once admitted
                    : ["X-Pyrycode-Server: flood-" + random.Next(), "X-Pyrycode-Version: 1", "User-Agent: flood"];
                var (status, socket) = await UpgradeClient.AttemptAsync(source, port, "/v1/server", headers, floodStop.Token);
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
                if (status == 101)
                {
                    held.Add(socket); // keeps its connection slot; never reads
                }
                else
                {
                    socket?.Dispose();
                }
            }
        })).ToArray();
        var sampler = Task.Run(async () =>
        {
            while (!floodStop.IsCancellationRequested)
            {
                rssPeak = Math.Max(rssPeak, RssKiB(relay.Id));
                await Task.Delay(500);
            }
        });
        var flooding = Snapshot(pairs);
        await Task.WhenAll(workers.Append(sampler).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        var during = Snapshot(pairs) - flooding;

        // Phase 3: legitimate binaries reconnecting while the flood's connections still hold their slots.
        var reconnects = new Dictionary<int, int>();
        var reconnected = new List<Socket>();
        for (var i = 0; i < 8; i++)
        {
            string[] headers = ["X-Pyrycode-Server: legit-reconnect-" + i, "X-Pyrycode-Version: 1", "User-Agent: pyry-bench"];
            var (status, socket) = await UpgradeClient.AttemptAsync(IPAddress.Parse("127.0.0.2"), port, "/v1/server", headers, CancellationToken.None);
            reconnects[status] = reconnects.GetValueOrDefault(status) + 1;
            if (status == 101)
            {
                reconnected.Add(socket);
            }
            else
            {
                socket?.Dispose(); // a refused dial goes away (it would hold a pre-upgrade place)
            }
        }

        var phoneReconnects = new Dictionary<int, int>();
        for (var i = 0; i < 8; i++)
        {
            string[] headers = ["X-Pyrycode-Server: legit-" + i, "X-Pyrycode-Token: t", "User-Agent: pyry-bench-phone"];
            var (status, socket) = await UpgradeClient.AttemptAsync(IPAddress.Parse("127.0.0.3"), port, "/v1/client", headers, CancellationToken.None);
            phoneReconnects[status] = phoneReconnects.GetValueOrDefault(status) + 1;
            if (status == 101)
            {
                reconnected.Add(socket);
            }
            else
            {
                socket?.Dispose(); // a refused dial goes away (it would hold a pre-upgrade place)
            }
        }

        var health = await new HttpClient().GetStringAsync($"http://127.0.0.1:{port}/healthz");
        var metrics = await new HttpClient().GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        stop.Cancel();
        await Task.WhenAll(legit);

        Console.WriteLine($"flood: {floodSeconds}s from {sources} source addresses, 64 workers, --max-connections {maxConnections}");
        foreach (var (status, count) in statuses.OrderBy(kv => kv.Key))
        {
            Console.WriteLine($"  status {status}: {count}");
        }

        Console.WriteLine($"  flood connections holding a slot at the end: {held.Count}");
        Console.WriteLine($"legit reconnects after the flood (8 new binaries): {string.Join(", ", reconnects.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} x{kv.Value}"))}");
        Console.WriteLine($"legit phone reconnects after the flood (8 new phones): {string.Join(", ", phoneReconnects.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} x{kv.Value}"))}");
        Console.WriteLine($"legit: baseline {baseline.Trips} round trips in 5 s (p50 {baseline.P50:F2} ms, p99 {baseline.P99:F2} ms)");
        Console.WriteLine($"legit: during flood {during.Trips} round trips in {floodSeconds} s (p50 {during.P50:F2} ms, p99 {during.P99:F2} ms)");
        Console.WriteLine($"legit: order violations {pairs.Sum(p => p.OrderViolations)}, failures {pairs.Count(p => p.Failure is not null)} {string.Join("; ", pairs.Select(p => p.Failure).Where(f => f is not null))}");
        Console.WriteLine($"relay RSS: before flood {rssBefore} KiB, peak during flood {rssPeak} KiB");
        Console.WriteLine($"healthz at end: {health}");
        foreach (var line in metrics.Split('\n').Where(l => l.StartsWith("pyrycode_relay_ws_upgrade_attempts_total{endpoint=\"server\"", StringComparison.Ordinal) || l.StartsWith("pyrycode_relay_register_failures_total{kind=\"ratelimit\"}", StringComparison.Ordinal)))
        {
            Console.WriteLine("  " + line);
        }

        foreach (var socket in held.Concat(reconnected))
        {
            socket.Dispose();
        }

        relay.Kill();
        return pairs.Sum(p => p.OrderViolations) == 0 && pairs.All(p => p.Failure is null) ? 0 : 1;
    }

    private static Stats Snapshot(LegitPair[] pairs)
    {
        var all = pairs.SelectMany(p => p.Latencies.ToArray()).Order().ToArray();
        return new Stats(pairs.Sum(p => p.RoundTrips), all);
    }

    private sealed record Stats(long Trips, double[] Sorted)
    {
        public double P50 => Sorted.Length == 0 ? 0 : Sorted[Sorted.Length / 2];

        public double P99 => Sorted.Length == 0 ? 0 : Sorted[(int)(Sorted.Length * 0.99)];

        public static Stats operator -(Stats later, Stats earlier) =>
            new(later.Trips - earlier.Trips, later.Sorted.Except(earlier.Sorted).Order().ToArray());
    }

    private static Process StartRelay(int port, int metricsPort, int maxConnections, string[] extra)
    {
        var dll = Path.Combine(FindRoot(), "src", "PyrycodeRelay", "bin", "Release", "net10.0", "pyrycode-relay.dll");
        var start = new ProcessStartInfo("setpriv", ["--bounding-set=-all", "--inh-caps=-all", "dotnet", dll,
            "--insecure-listen", $"127.0.0.1:{port}", "--metrics-listen", $"127.0.0.1:{metricsPort}",
            "--max-connections", maxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static async Task WaitHealthyAsync(int port)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await http.GetStringAsync($"http://127.0.0.1:{port}/healthz");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("relay did not start");
    }

    private static long RssKiB(int pid)
    {
        try
        {
            // The relay is the dotnet child of setpriv (setpriv execs, so the pid is the relay's).
            var line = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "pyrycode-relay.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root not found");
    }
}
