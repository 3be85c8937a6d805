using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>Runs the relay process to a refusal or to a clean start-and-SIGTERM.</summary>
internal static class ProcessBootAssert
{
    /// <summary>
    /// Starts the relay, expects exit 2 with exactly one ERROR line carrying <paramref name="message"/>, no
    /// <c>starting</c> line (no listener set up) and nothing on stdout. Returns the parsed ERROR line.
    /// </summary>
    public static async Task<(LogfmtLine Error, IReadOnlyList<string> Stderr)> RefusesAsync(
        string message, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped,
        bool allowStarting = false)
    {
        using var relay = RelayProcessRunner.Start(args, env, caps);
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        var all = string.Join("\n", stderr);
        Assert.True(code == 2, $"exit {code}; stderr:\n{all}");
        Assert.Equal("", stdout);
        var lines = stderr.Select(LogfmtLine.Parse).ToList();
        var errors = lines.Where(l => l["level"] == "ERROR").ToList();
        var error = Assert.Single(errors);
        Assert.Equal(message, error["msg"]);
        Assert.Equal(["time", "level", "msg"], error.Keys.Take(3));
        if (!allowStarting)
        {
            Assert.DoesNotContain(lines, l => l["msg"] == "starting");
        }

        return (error, stderr);
    }

    /// <summary>The whole log of an insecure relay with push off and metrics on, started and stopped by SIGTERM.</summary>
    public static readonly string[] CleanInsecureRun =
    [
        "INFO push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset",
        "INFO starting",
        "INFO starting metrics listener",
        "INFO shutdown signal received; draining",
        "INFO shutdown complete",
    ];

    /// <summary>
    /// For a ready insecure relay (push off): <c>/healthz</c> 200 with 0/0, the process listens on exactly its
    /// relay and metrics ports, and SIGTERM gives exit 0, empty stdout and exactly the boot and shutdown lines
    /// with their fields (<paramref name="listen"/> and <paramref name="metricsListen"/> are the flag values).
    /// </summary>
    [SupportedOSPlatform("linux")]
    public static async Task<StoppedRelay> ServesThenStopsCleanlyAsync(LiveRelay relay, string listen, string? metricsListen)
    {
        Assert.Equal((0, 0), await relay.HealthAsync());
        int[] ports = relay.MetricsPort == 0 ? [relay.Port] : [.. new[] { relay.Port, relay.MetricsPort }.Order()];
        Assert.Equal(ports, ProcFs.ListeningPorts(relay.Process.Pid));
        var stopped = await relay.StopAsync();
        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.Equal("", stopped.Stdout);
        Assert.Equal(metricsListen is null ? CleanInsecureRun.Where(l => l != "INFO starting metrics listener") : CleanInsecureRun, stopped.LevelMsgs);
        var starting = stopped.Single("starting");
        Assert.Equal(["time", "level", "msg", "version", "mode", "listen"], starting.Keys);
        Assert.Equal((LiveRelay.Version, "insecure", listen), (starting["version"], starting["mode"], starting["listen"]));
        if (metricsListen is not null)
        {
            var metrics = stopped.Single("starting metrics listener");
            Assert.Equal(["time", "level", "msg", "listen"], metrics.Keys);
            Assert.Equal(metricsListen, metrics["listen"]);
        }

        foreach (var bare in (string[])["push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset", "shutdown signal received; draining", "shutdown complete"])
        {
            Assert.Equal(["time", "level", "msg"], stopped.Single(bare).Keys);
        }

        return stopped;
    }

    /// <summary>
    /// Starts the default insecure relay (<see cref="LiveRelay.StartAsync(IEnumerable{string}?, IReadOnlyDictionary{string, string}?, Caps, string, bool)"/>)
    /// and runs <see cref="ServesThenStopsCleanlyAsync"/> on it.
    /// </summary>
    [SupportedOSPlatform("linux")]
    public static async Task<StoppedRelay> ServesAsync(
        IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped, IEnumerable<string>? extraArgs = null)
    {
        await using var relay = await LiveRelay.StartAsync(extraArgs, env, caps);
        return await ServesThenStopsCleanlyAsync(relay, "127.0.0.1:" + relay.Port, "127.0.0.1:" + relay.MetricsPort);
    }

    /// <summary>Starts the relay, waits for INFO <c>starting</c>, sends SIGTERM and expects exit 0 without any ERROR line.</summary>
    public static async Task<IReadOnlyList<string>> StartsAsync(
        IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped, string[]? extraSetpriv = null)
    {
        using var relay = RelayProcessRunner.Start(args, env, caps, extraSetpriv);
        await relay.WaitForStderrAsync(l => l.Contains(" msg=starting ", StringComparison.Ordinal));
        relay.Terminate();
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.True(code == 0, $"exit {code}; stderr:\n{string.Join("\n", stderr)}");
        Assert.Equal("", stdout);
        Assert.DoesNotContain(stderr, l => l.Contains("level=ERROR", StringComparison.Ordinal));
        return stderr;
    }
}
