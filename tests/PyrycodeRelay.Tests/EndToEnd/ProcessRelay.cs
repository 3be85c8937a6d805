using PyrycodeRelay.Tests.Startup.Process;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// The built relay as a real process (<c>setpriv --bounding-set=-all --inh-caps=-all dotnet pyrycode-relay.dll</c>,
/// via the startup tests' harness) on free loopback ports, started and waited for until it serves.
/// </summary>
internal sealed class ProcessRelay : IDisposable
{
    private ProcessRelay(RelayProcess process, RelayTarget target, string host, int metricsPort)
    {
        Process = process;
        Target = target;
        HostName = host;
        MetricsPort = metricsPort;
    }

    public RelayProcess Process { get; }

    /// <summary>The relay listener (plain in insecure mode, TLS in TLS mode).</summary>
    public RelayTarget Target { get; }

    /// <summary>The Host header the relay listener accepts.</summary>
    public string HostName { get; }

    public int MetricsPort { get; }

    /// <summary>stderr so far, each line parsed as a text-format log line.</summary>
    public IReadOnlyList<LogfmtLine> Lines => [.. Process.StderrLines.Select(LogfmtLine.Parse)];

    public IReadOnlyList<LogfmtLine> Named(string msg) => [.. Lines.Where(l => l["msg"] == msg)];

    /// <summary>Insecure mode on 127.0.0.1:&lt;free&gt; with metrics on 127.0.0.1:&lt;free&gt;, plus <paramref name="args"/>.</summary>
    public static Task<ProcessRelay> StartInsecureAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        int port = RelayProcess.FreePort(), metrics = RelayProcess.FreePort();
        return StartAsync(["--insecure-listen", $"127.0.0.1:{port}", "--metrics-listen", $"127.0.0.1:{metrics}", .. args],
            env, new RelayTarget(port), "127.0.0.1", metrics);
    }

    /// <summary>Starts with exactly <paramref name="args"/> and waits until <c>GET /healthz</c> on <paramref name="target"/> answers 200.</summary>
    public static async Task<ProcessRelay> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env,
        RelayTarget target, string host, int metricsPort, bool waitHealthy = true)
    {
        var relay = new ProcessRelay(RelayProcess.Start(args, env), target, host, metricsPort);
        try
        {
            if (waitHealthy)
            {
                await relay.WaitHealthyAsync();
            }

            return relay;
        }
        catch
        {
            relay.Dispose();
            throw;
        }
    }

    /// <summary>Polls <c>GET /healthz</c> until 200; fails after 30 s with the relay's stderr.</summary>
    public async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow + RelayProcess.Timeout;
        while (true)
        {
            try
            {
                var response = await RawHttp.SendAsync(Target, RawHttp.Get("/healthz", HostName, "Connection: close"));
                if (response.Status == 200)
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("relay did not serve /healthz; stderr:\n" + string.Join("\n", Process.StderrLines));
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM, then the exit code and the time from the signal to the exit.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed, IReadOnlyList<string> Stderr)> TerminateAsync()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Process.Terminate();
        var (code, _, stderr) = await Process.WaitForExitAsync();
        return (code, sw.Elapsed, stderr);
    }

    public void Dispose() => Process.Dispose();
}
