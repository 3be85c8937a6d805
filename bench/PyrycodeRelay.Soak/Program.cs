using System.Diagnostics;
using System.Globalization;
using PyrycodeRelay.Soak;

// Churn soak: dotnet run -c Release --project bench/PyrycodeRelay.Soak -- [--duration 600] [--cells 16] [--phones 3]
//   [--relay-dll src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll] [--seed 1] [--sample-every 5]
//   [--warmup 60] [--log relay.log] [--report soak-report.md]
// Exit code 0 when no violation was seen and no leak trend was found, 1 otherwise.
var opt = Options.Parse(args);
Console.WriteLine($"soak: {opt.Duration.TotalSeconds:F0}s, {opt.Cells} server-ids x {opt.Phones} phones, seed {opt.Seed}, relay {opt.RelayDll}");
using var relay = await SoakRelayProcess.StartAsync(opt.RelayDll, opt.LogPath, []);
var stats = new Stats();
var gc = GcCounters.Start(relay.Pid, opt.Duration + TimeSpan.FromSeconds(60), Path.ChangeExtension(opt.ReportPath, ".counters.csv"));
var samples = new List<Sample>();
var clock = Stopwatch.StartNew();
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
var healthUri = new Uri($"http://127.0.0.1:{relay.Port}/healthz");

async Task<string> HealthAsync()
{
    try
    {
        var body = await http.GetStringAsync(healthUri);
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        return $"{doc.RootElement.GetProperty("connected_binaries").GetInt32()}/{doc.RootElement.GetProperty("connected_phones").GetInt32()}";
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
    {
        return "unreachable";
    }
}

samples.Add(relay.Sample(clock.Elapsed, await HealthAsync()));
using var stopSampling = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    while (!stopSampling.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(opt.SampleEvery, stopSampling.Token);
        }
        catch (OperationCanceledException)
        {
            break;
        }

        var s = relay.Sample(clock.Elapsed, await HealthAsync());
        lock (samples)
        {
            samples.Add(s);
        }

        Console.WriteLine($"[{s.Seconds,6:F0}s] rss={s.RssKiB / 1024.0:F1}MiB threads={s.Threads} fds={s.Fds} live(b/p)={s.Health} " +
            $"frames p->b={stats.FramesPhoneToBinary} b->p={stats.FramesBinaryToPhone} violations={stats.Violations.Count}");
    }
});

var deadline = DateTime.UtcNow + opt.Duration;
var stall = new StallMeter();
var stallTask = stall.RunAsync(healthUri, stopSampling.Token);
var cells = Enumerable.Range(0, opt.Cells).Select(i => new Cell(i, relay, stall, stats, opt.Phones, opt.Seed * 1000 + i)).ToList();
await Task.WhenAll(cells.Select(c => c.RunAsync(deadline)));
var churnEnd = clock.Elapsed;

// Every client is gone and every grace period has expired: the registry must be empty.
await Task.Delay(3000);
var finalHealth = await HealthAsync();
if (finalHealth != "0/0")
{
    stats.Violation($"after all clients left, /healthz reports binaries/phones {finalHealth}, expected 0/0");
}

await stopSampling.CancelAsync();
await sampler;
await stallTask;
stats.Count($"worst stall seen by the soak (ms): timer overshoot or /healthz round trip", (long)stall.Worst.TotalMilliseconds);
var final = relay.Sample(clock.Elapsed, finalHealth);
samples.Add(final);
var gcSamples = await gc.FinishAsync(opt.Duration + TimeSpan.FromSeconds(120) - clock.Elapsed);
var (exitCode, drainSeconds) = await relay.TerminateAsync(TimeSpan.FromSeconds(15));
if (exitCode != 0)
{
    stats.Violation($"relay exit code after SIGTERM: {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "did not exit"}");
}

var report = Report.Build(opt, stats, samples, churnEnd, final, finalHealth, exitCode, drainSeconds, gcSamples);
Console.WriteLine(report.Text);
await File.WriteAllTextAsync(opt.ReportPath, report.Text);
return stats.Violations.IsEmpty && !report.Leak ? 0 : 1;

/// <summary>Command-line options.</summary>
internal sealed record Options(TimeSpan Duration, int Cells, int Phones, string RelayDll, int Seed, TimeSpan SampleEvery, TimeSpan Warmup, string LogPath, string ReportPath)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new Options(
            TimeSpan.FromSeconds(Int("--duration", 600)),
            Int("--cells", 16),
            Int("--phones", 3),
            Path.GetFullPath(Get("--relay-dll", "src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll")),
            Int("--seed", 1),
            TimeSpan.FromSeconds(Int("--sample-every", 5)),
            TimeSpan.FromSeconds(Int("--warmup", 60)),
            Path.GetFullPath(Get("--log", "soak-relay.log")),
            Path.GetFullPath(Get("--report", "soak-report.md")));
    }
}
