using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>
/// The phones side of a round-trip run. Closed loop (<c>--window W</c>): every phone keeps W frames in
/// flight, each echo releasing the next send. Open loop (<c>--rate R</c>): pacer threads send R frames/s
/// in total, round-robin over their phones, in ticks of about 100 µs. Prints <c>MEASURE_START</c>,
/// <c>MEASURE_END</c> and one <c>RESULT {json}</c> line on stdout.
/// </summary>
internal static partial class PhonesWorker
{
    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);

    public static async Task<int> RunAsync(WorkerArgs a)
    {
        var (remote, path) = a.Url();
        var tag = a.Require("tag");
        var binaries = a.Int("binaries", 1);
        var phonesPer = a.Int("phones-per", 1);
        var size = a.Int("size", 64);
        var window = a.Int("window", 0);
        var rate = a.Double("rate", 0);
        var warmup = TimeSpan.FromSeconds(a.Double("warmup", 2));
        var duration = TimeSpan.FromSeconds(a.Double("duration", 5));
        var pacers = a.Int("pacers", 2);
        var count = binaries * phonesPer;
        var stats = new Stats();

        var (clients, connectTime) = await Connector.ConnectAllAsync(count, remote, a.Locals(),
            i => (path, Connector.PhoneHeaders(Connector.ServerId(tag, i / phonesPer))),
            (size + 256) * Math.Max(4, window + 2), a.Int("concurrency", 64), seed: 7, a.TlsHost());
        var phones = new PhoneConn[count];
        for (var i = 0; i < count; i++)
        {
            phones[i] = new PhoneConn(clients[i], Payload.Template(size, i), stats);
        }

        var tls = count == 0 ? "" : clients[0].TlsInfo;
        Console.WriteLine($"CONNECTED {count} {connectTime.TotalMilliseconds:F0}");
        var sending = true;
        Func<bool> keepSending = () => Volatile.Read(ref sending);
        var loops = new Task[count];
        Thread[] pacerThreads = [];
        if (window > 0)
        {
            for (var i = 0; i < count; i++)
            {
                for (var w = 0; w < window; w++)
                {
                    await phones[i].SendNextAsync(Stopwatch.GetTimestamp());
                }

                loops[i] = phones[i].ReceiveLoopAsync(closedLoop: true, keepSending);
            }
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                loops[i] = phones[i].ReceiveLoopAsync(closedLoop: false, keepSending);
            }

            var n = Math.Min(pacers, count);
            pacerThreads = new Thread[n];
            for (var p = 0; p < n; p++)
            {
                var mine = phones.Where((_, i) => i % n == p).ToArray();
                var share = rate * mine.Length / count;
                pacerThreads[p] = new Thread(() => Pace(mine, share, keepSending)) { IsBackground = true, Name = $"pacer-{p}" };
                pacerThreads[p].Start();
            }
        }

        await Task.Delay(warmup);
        var r0 = Interlocked.Read(ref stats.Received);
        var t0 = Stopwatch.GetTimestamp();
        stats.Measuring = true;
        Console.WriteLine("MEASURE_START");
        await Task.Delay(duration);
        stats.Measuring = false;
        var elapsed = Stopwatch.GetElapsedTime(t0);
        var r1 = Interlocked.Read(ref stats.Received);
        Console.WriteLine("MEASURE_END");

        Volatile.Write(ref sending, false);
        foreach (var t in pacerThreads)
        {
            t.Join();
        }

        // Everything sent must come back: wait for the last echoes.
        var drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        while (phones.Any(p => p.InFlight > 0) && Stopwatch.GetTimestamp() < drainUntil)
        {
            await Task.Delay(20);
        }

        long lost = phones.Sum(p => p.InFlight);
        stats.Closing = true;
        foreach (var p in phones)
        {
            await p.Client.CloseAsync();
        }

        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(5000));
        foreach (var p in phones)
        {
            p.Client.Dispose();
        }

        var result = new PhonesResult(
            Phones: count,
            Size: size,
            Seconds: elapsed.TotalSeconds,
            RoundTrips: r1 - r0,
            Sent: Interlocked.Read(ref stats.Sent),
            Received: Interlocked.Read(ref stats.Received),
            Lost: lost,
            OutOfOrder: stats.OutOfOrder,
            Corrupt: stats.Corrupt,
            Disconnects: stats.Disconnects,
            ConnectMs: connectTime.TotalMilliseconds,
            Histogram: stats.Latency.Serialize(),
            Tls: tls);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    private static void Pace(PhoneConn[] phones, double rate, Func<bool> keepSending)
    {
        var start = Stopwatch.GetTimestamp();
        long sent = 0;
        var i = 0;
        while (keepSending())
        {
            var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate);
            while (sent < due)
            {
                var send = phones[i].SendNextAsync(Stopwatch.GetTimestamp());
                if (!send.IsCompletedSuccessfully)
                {
                    send.AsTask().GetAwaiter().GetResult();
                }

                sent++;
                i = i + 1 == phones.Length ? 0 : i + 1;
            }

            _ = USleep(100);
        }
    }
}

/// <summary>What a phones worker reports.</summary>
internal sealed record PhonesResult(int Phones, int Size, double Seconds, long RoundTrips, long Sent, long Received, long Lost,
    long OutOfOrder, long Corrupt, long Disconnects, double ConnectMs, string Histogram, string Tls = "");
