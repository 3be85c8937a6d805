using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// A relay process in insecure mode that is serving: started with free ports, ready (<c>/readyz</c> 200),
/// with helpers to talk to it, read its log and stop it with a signal.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed partial class LiveRelay : IAsyncDisposable
{
    /// <summary>The version the test build reports.</summary>
    public const string Version = "0.1.0";

    private LiveRelay(RelayProcess process, int port, int metricsPort, string logFormat)
    {
        Process = process;
        Port = port;
        MetricsPort = metricsPort;
        LogFormat = logFormat;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public RelayProcess Process { get; }

    /// <summary>The <c>--insecure-listen</c> port.</summary>
    public int Port { get; }

    /// <summary>The metrics port, 0 when metrics are off.</summary>
    public int MetricsPort { get; }

    /// <summary><c>text</c> or <c>json</c>.</summary>
    public string LogFormat { get; }

    /// <summary>HTTP client for the relay listener on 127.0.0.1.</summary>
    public HttpClient Http { get; }

    /// <summary>All stderr lines so far, parsed in the relay's log format.</summary>
    public IReadOnlyList<LogfmtLine> Lines => [.. Process.StderrLines.Select(l => LogfmtLine.Parse(l, LogFormat))];

    /// <summary>
    /// Starts <c>--insecure-listen 127.0.0.1:&lt;p&gt; --metrics-listen 127.0.0.1:&lt;m&gt;</c> (or
    /// <c>--metrics-listen=</c> without metrics) plus <paramref name="extraArgs"/>, and waits until it is ready.
    /// </summary>
    public static Task<LiveRelay> StartAsync(
        IEnumerable<string>? extraArgs = null, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped,
        string logFormat = "text", bool metrics = true)
    {
        var port = RelayProcess.FreePort();
        var metricsPort = metrics ? RelayProcess.FreePort() : 0;
        string[] args =
        [
            "--insecure-listen", "127.0.0.1:" + port,
            .. metrics ? (string[])["--metrics-listen", "127.0.0.1:" + metricsPort] : ["--metrics-listen="],
            .. logFormat == "text" ? [] : (string[])["--log-format", logFormat],
            .. extraArgs ?? [],
        ];
        return StartAsync(args, port, metricsPort, env, caps, logFormat);
    }

    /// <summary>Starts the relay with exactly <paramref name="args"/> and waits until <c>127.0.0.1:port/readyz</c> answers 200.</summary>
    public static async Task<LiveRelay> StartAsync(
        IEnumerable<string> args, int port, int metricsPort, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped,
        string logFormat = "text", string[]? extraSetpriv = null)
    {
        var relay = new LiveRelay(RelayProcess.Start(args, env, caps, extraSetpriv), port, metricsPort, logFormat);
        try
        {
            await relay.WaitReadyAsync();
            return relay;
        }
        catch
        {
            await relay.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls <c>/readyz</c> until 200; fails when the relay exits first or after 30 s.</summary>
    public async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(Process.HasExited, "relay exited before it was ready; stderr:\n" + string.Join("\n", Process.StderrLines));
            Assert.True(deadline.Elapsed < RelayProcess.Timeout, "relay not ready in time; stderr:\n" + string.Join("\n", Process.StderrLines));
            try
            {
                using var response = await Http.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(50);
        }
    }

    /// <summary>GET <c>/healthz</c> (see <see cref="Health.CountsAsync(HttpClient, string)"/>): (connected_binaries, connected_phones).</summary>
    public Task<(int Binaries, int Phones)> HealthAsync() => Health.CountsAsync(Http, Version);

    /// <summary>Polls <c>/healthz</c> until the counts match; fails after 10 s.</summary>
    public Task WaitForCountsAsync(int binaries, int phones) => Health.WaitForAsync(Http, Version, binaries, phones);

    /// <summary>Waits for a log line with <c>msg</c> = <paramref name="msg"/> matching <paramref name="predicate"/>.</summary>
    public async Task<LogfmtLine> WaitForLogAsync(string msg, Func<LogfmtLine, bool>? predicate = null)
    {
        var raw = await Process.WaitForStderrAsync(l =>
        {
            var line = LogfmtLine.Parse(l, LogFormat);
            return line["msg"] == msg && (predicate?.Invoke(line) ?? true);
        });
        return LogfmtLine.Parse(raw, LogFormat);
    }

    /// <summary>Sends <paramref name="signal"/> and waits for the exit; the elapsed time runs from the signal to the exit.</summary>
    public Task<StoppedRelay> StopAsync(string signal = "TERM") => WaitForExitAsync(Signal(signal));

    /// <summary>Sends <paramref name="signal"/>; returns a stopwatch started just before it.</summary>
    public Stopwatch Signal(string signal = "TERM")
    {
        var watch = Stopwatch.StartNew();
        Process.Signal(signal);
        return watch;
    }

    /// <summary>Waits for the exit (at most 30 s); the elapsed time is read from <paramref name="sinceSignal"/>.</summary>
    public async Task<StoppedRelay> WaitForExitAsync(Stopwatch sinceSignal)
    {
        var (code, stdout, stderr) = await Process.WaitForExitAsync();
        var elapsed = sinceSignal.Elapsed;
        return new StoppedRelay(code, stdout, stderr, [.. stderr.Select(l => LogfmtLine.Parse(l, LogFormat))], elapsed);
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        Process.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A relay process after its exit.</summary>
internal sealed record StoppedRelay(int ExitCode, string Stdout, IReadOnlyList<string> Stderr, IReadOnlyList<LogfmtLine> Lines, TimeSpan Elapsed)
{
    /// <summary>All stderr lines for failure messages.</summary>
    public string StderrText => string.Join("\n", Stderr);

    /// <summary>The <c>LEVEL msg</c> of every line, in order.</summary>
    public IReadOnlyList<string> LevelMsgs => [.. Lines.Select(l => l.LevelMsg)];

    /// <summary>The only line with <c>msg</c> = <paramref name="msg"/>.</summary>
    public LogfmtLine Single(string msg) => Assert.Single(Lines, l => l["msg"] == msg);
}
