using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.AllocProbe;

/// <summary>
/// Measures managed bytes allocated per forwarded frame in the whole process (relay + raw clients that do
/// not allocate per frame): one binary, one phone, round trips of a phone frame and the binary's reply.
/// Usage: dotnet run -c Release --project bench/PyrycodeRelay.AllocProbe [rounds] [payloadBytes]
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "readahead")
        {
            return await ReadAhead.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 160,
                args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : null);
        }

        if (args.Length > 0 && args[0] == "worst")
        {
            return await WorstCase.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500);
        }

        var rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50_000;
        var size = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
        await using var host = await RelayHost.StartAsync(new RelayHostSettings
        {
            Options = new RelayOptions { RateLimitBurst = 1000 },
            Loggers = NullLoggerFactory.Instance,
            RelayListener = new ListenEndpoint("127.0.0.1:0", ListenHostKind.IpLiteral, IPAddress.Loopback, 0),
        });
        var port = host.RelayPort;
        using var binary = await RawPeer.ConnectAsync(port, "/v1/server", "X-Pyrycode-Server: probe", "X-Pyrycode-Version: 1", "User-Agent: probe");
        while (host.Registry.ConnectedBinaries == 0)
        {
            await Task.Delay(10);
        }

        using var phone = await RawPeer.ConnectAsync(port, "/v1/client", "X-Pyrycode-Server: probe", "X-Pyrycode-Token: t", "User-Agent: probe");
        var frame = Encoding.UTF8.GetBytes("\"" + new string('x', Math.Max(0, size - 2)) + "\"");
        var phoneFrame = RawPeer.MaskedText(frame);
        while (host.Registry.ConnectedPhones == 0)
        {
            await Task.Delay(10);
        }

        await phone.SendAsync(phoneFrame);
        var envelope = Encoding.UTF8.GetString((await binary.ReceiveFrameAsync()).Span);
        var connId = envelope[12..envelope.IndexOf('"', 12)];
        var reply = RawPeer.MaskedText(Encoding.UTF8.GetBytes($"{{\"conn_id\":\"{connId}\",\"frame\":{Encoding.UTF8.GetString(frame)}}}"));

        async Task RoundTrips(int n)
        {
            for (var i = 0; i < n; i++)
            {
                await phone.SendAsync(phoneFrame);
                await binary.ReceiveFrameAsync();
                await binary.SendAsync(reply);
                await phone.ReceiveFrameAsync();
            }
        }

        await RoundTrips(Math.Max(1000, rounds / 5)); // warm-up: tiering, pools
        using var sampler = args.Contains("--types") ? new AllocationSampler() : null;
        sampler?.Start();
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await RoundTrips(rounds);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var frames = 2.0 * rounds;
        Console.WriteLine($"rounds={rounds} payload={frame.Length}B frames={frames} allocated={allocated}B per_frame={allocated / frames:F1}B round_trip_us={elapsed.TotalMicroseconds / rounds:F1}");
        if (sampler is not null)
        {
            sampler.Stop();
            foreach (var (type, count) in sampler.Top(15))
            {
                Console.WriteLine($"  {count,6} samples  {type}");
            }
        }

        return 0;
    }
}
