using System.Diagnostics;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// The built relay as a real process (<see cref="RelayProcessRunner"/>) that is serving: started on free loopback
/// ports and waited for until <c>/readyz</c> answers 200 (plain, or over TLS through its <see cref="Target"/>), with
/// helpers to talk to it, read its log and stop it with a signal.
/// </summary>
internal sealed partial class LiveRelay : IAsyncDisposable, IDisposable
{
    /// <summary>The version the test build reports.</summary>
    public const string Version = "0.1.0";

    private LiveRelay(RelayProcessRunner process, RelayTarget target, string hostName, int metricsPort, string logFormat)
    {
        Process = process;
        Target = target;
        HostName = hostName;
        MetricsPort = metricsPort;
        LogFormat = logFormat;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{target.Port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The process.</summary>
    public RelayProcessRunner Process { get; }

    /// <summary>How clients reach the relay listener (plain in insecure mode, TLS in TLS mode).</summary>
    public RelayTarget Target { get; }

    /// <summary>The Host header the relay listener accepts.</summary>
    public string HostName { get; }

    /// <summary>The relay listener's port.</summary>
    public int Port => Target.Port;

    /// <summary>The metrics port, 0 when metrics are off.</summary>
    public int MetricsPort { get; }

    /// <summary><c>text</c> or <c>json</c>.</summary>
    public string LogFormat { get; }

    /// <summary>Plain HTTP client for the relay listener on 127.0.0.1 (insecure mode).</summary>
    public HttpClient Http { get; }

    /// <summary>All stderr lines so far, parsed in the relay's log format.</summary>
    public IReadOnlyList<LogfmtLine> Lines => [.. Process.StderrLines.Select(l => LogfmtLine.Parse(l, LogFormat))];

    /// <summary>The stderr lines so far with <c>msg</c> = <paramref name="msg"/>.</summary>
    public IReadOnlyList<LogfmtLine> Named(string msg) => [.. Lines.Where(l => l["msg"] == msg)];

    /// <summary>
    /// Starts <c>--insecure-listen 127.0.0.1:&lt;p&gt; --metrics-listen 127.0.0.1:&lt;m&gt;</c> (or
    /// <c>--metrics-listen=</c> without metrics) plus <paramref name="extraArgs"/>, and waits until it is ready.
    /// </summary>
    /// <remarks>
    /// The ports are free when chosen, but another test may bind one before the relay does (tests run in parallel):
    /// a relay that exits with <c>bind: address already in use</c> before serving is started again on fresh ports.
    /// </remarks>
    public static async Task<LiveRelay> StartAsync(
        IEnumerable<string>? extraArgs = null, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped,
        string logFormat = "text", bool metrics = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = RelayProcessRunner.FreePort();
            var metricsPort = metrics ? FreePortOtherThan(port) : 0;
            string[] args =
            [
                "--insecure-listen", "127.0.0.1:" + port,
                .. metrics ? (string[])["--metrics-listen", "127.0.0.1:" + metricsPort] : ["--metrics-listen="],
                .. logFormat == "text" ? [] : (string[])["--log-format", logFormat],
                .. extraArgs ?? [],
            ];
            var relay = new LiveRelay(RelayProcessRunner.Start(args, env, caps), new RelayTarget(port), "127.0.0.1", metricsPort, logFormat);
            try
            {
                await relay.WaitReadyAsync();
                return relay;
            }
            catch (Exception) when (attempt < 3 && relay.LostItsPort())
            {
                relay.Dispose();
            }
            catch
            {
                relay.Dispose();
                throw;
            }
        }
    }

    private static int FreePortOtherThan(int port)
    {
        while (true)
        {
            var other = RelayProcessRunner.FreePort();
            if (other != port)
            {
                return other;
            }
        }
    }

    /// <summary>Whether the process exited because one of its listen ports was taken.</summary>
    private bool LostItsPort()
    {
        if (!Process.HasExited)
        {
            return false;
        }

        Process.WaitForExitAsync().GetAwaiter().GetResult(); // all of stderr read
        return Process.StderrLines.Any(l => l.Contains("bind: address already in use", StringComparison.Ordinal));
    }

    /// <summary>Starts the relay with exactly <paramref name="args"/> (insecure on <paramref name="port"/>) and waits until it is ready.</summary>
    public static Task<LiveRelay> StartAsync(
        IEnumerable<string> args, int port, int metricsPort, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped,
        string logFormat = "text", string[]? extraSetpriv = null) =>
        StartAsync(args, new RelayTarget(port), "127.0.0.1", metricsPort, env, caps, logFormat, extraSetpriv);

    /// <summary>
    /// Starts the relay with exactly <paramref name="args"/>, reached through <paramref name="target"/> with Host
    /// <paramref name="hostName"/>, and (unless <paramref name="waitReady"/> is false) waits until it is ready.
    /// </summary>
    public static async Task<LiveRelay> StartAsync(
        IEnumerable<string> args, RelayTarget target, string hostName, int metricsPort, IReadOnlyDictionary<string, string>? env = null,
        Caps caps = Caps.Dropped, string logFormat = "text", string[]? extraSetpriv = null, bool waitReady = true)
    {
        var relay = new LiveRelay(RelayProcessRunner.Start(args, env, caps, extraSetpriv), target, hostName, metricsPort, logFormat);
        try
        {
            if (waitReady)
            {
                await relay.WaitReadyAsync();
            }

            return relay;
        }
        catch
        {
            relay.Dispose();
            throw;
        }
    }

    /// <summary>Polls <c>/readyz</c> until 200; fails when the relay exits first or after 30 s.</summary>
    public Task WaitReadyAsync() => Process.WaitUntilServingAsync(Target, HostName);

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
        ArgumentNullException.ThrowIfNull(sinceSignal);
        var (code, stdout, stderr) = await Process.WaitForExitAsync();
        var elapsed = sinceSignal.Elapsed;
        return new StoppedRelay(code, stdout, stderr, [.. stderr.Select(l => LogfmtLine.Parse(l, LogFormat))], elapsed);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
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

    /// <summary>The exit code, the time from the signal and stderr.</summary>
    public void Deconstruct(out int exitCode, out TimeSpan elapsed, out IReadOnlyList<string> stderr) =>
        (exitCode, elapsed, stderr) = (ExitCode, Elapsed, Stderr);
}
