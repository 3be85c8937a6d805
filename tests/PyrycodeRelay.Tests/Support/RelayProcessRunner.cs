using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Runs the built relay as a real process: <c>dotnet pyrycode-relay.dll</c> under <c>setpriv</c> (capabilities
/// dropped, see <see cref="Caps"/>; the tests run as root with every capability, which the relay refuses), in a
/// controlled environment (empty plus PATH, HOME and DOTNET_ROOT), capturing stdout and every stderr line, with
/// readiness polling and real signals. Every wait fails the test after <see cref="Timeout"/>.
/// </summary>
internal sealed partial class RelayProcessRunner : IDisposable
{
    /// <summary>How long a start, a wait for a line or an exit may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly List<string> _stderrLines = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Task<string> _stdout;
    private readonly Task _stderrPump;

    private RelayProcessRunner(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderrPump = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderrLines)
                {
                    _stderrLines.Add(line);
                }

                _changed.Release();
            }

            _changed.Release();
        });
    }

    /// <summary>The stderr lines so far.</summary>
    public IReadOnlyList<string> StderrLines
    {
        get
        {
            lock (_stderrLines)
            {
                return [.. _stderrLines];
            }
        }
    }

    /// <summary>The relay's pid (setpriv execs the runtime, so it is the relay's own).</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the relay has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the relay with <paramref name="args"/> and <paramref name="env"/> (added to the controlled environment);
    /// <paramref name="extraSetpriv"/> go first on setpriv's command line (e.g. <c>--reuid=65534</c>).
    /// </summary>
    public static RelayProcessRunner Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped,
        string[]? extraSetpriv = null)
    {
        var otherUser = caps == Caps.NobodyWithNetBindService || (extraSetpriv ?? []).Any(a => a.StartsWith("--reuid=", StringComparison.Ordinal));
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        var dotnet = DotnetPath();
        if (caps == Caps.Inherited && extraSetpriv is null)
        {
            psi.FileName = dotnet;
        }
        else
        {
            psi.FileName = "setpriv";
            foreach (var a in (string[])[.. extraSetpriv ?? [], .. SetprivCaps(caps)])
            {
                psi.ArgumentList.Add(a);
            }

            psi.ArgumentList.Add(dotnet);
        }

        psi.ArgumentList.Add(otherUser ? StagedRelay(dotnet) : Path.Combine(AppContext.BaseDirectory, RelayDll));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        psi.Environment["HOME"] = Path.GetTempPath();
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root)
        {
            psi.Environment["DOTNET_ROOT"] = root;
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        return new RelayProcessRunner(Process.Start(psi) ?? throw new InvalidOperationException("relay did not start"));
    }

    /// <summary>Waits for exit (failing after <see cref="Timeout"/>) and returns the exit code with all output.</summary>
    public async Task<(int ExitCode, string Stdout, IReadOnlyList<string> Stderr)> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail("relay did not exit within " + Timeout + "; stderr: " + string.Join("\n", StderrLines));
        }

        await _stderrPump.WaitAsync(Timeout);
        var stdout = await _stdout.WaitAsync(Timeout);
        return (_process.ExitCode, stdout, StderrLines);
    }

    /// <summary>Waits until a stderr line satisfies <paramref name="predicate"/>; fails on exit or timeout.</summary>
    public async Task<string> WaitForStderrAsync(Func<string, bool> predicate)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var lines = StderrLines;
            if (lines.FirstOrDefault(predicate) is { } hit)
            {
                return hit;
            }

            var left = deadline - DateTime.UtcNow;
            if (_stderrPump.IsCompleted || left <= TimeSpan.Zero)
            {
                Assert.Fail("expected stderr line not seen; stderr: " + string.Join("\n", lines));
            }

            await _changed.WaitAsync(left);
        }
    }

    /// <summary>
    /// Polls <c>GET <paramref name="path"/></c> (Host <paramref name="host"/>) on <paramref name="target"/> until it
    /// answers 200 and returns that response; fails when the relay exits first or after <see cref="Timeout"/>.
    /// </summary>
    public async Task<RawResponse> WaitUntilServingAsync(RelayTarget target, string host, string path = "/readyz")
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(HasExited, "relay exited before it served; stderr:\n" + string.Join("\n", StderrLines));
            Assert.True(watch.Elapsed < Timeout, $"relay did not serve {path} within {Timeout}; stderr:\n" + string.Join("\n", StderrLines));
            try
            {
                var response = await RawHttp.SendAsync(target, RawHttp.Get(path, host, "Connection: close"));
                if (response.Status == 200)
                {
                    return response;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                // not listening (or no certificate) yet
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGTERM to the relay.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends the named signal (<c>TERM</c>, <c>INT</c>) to the relay.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary><c>--insecure-listen</c> and <c>--metrics-listen</c> on free 127.0.0.1 ports.</summary>
    public static string[] InsecureArgs() =>
        ["--insecure-listen", "127.0.0.1:" + FreePort(), "--metrics-listen", "127.0.0.1:" + FreePort()];

    /// <summary>A TCP port that is free on 127.0.0.1 right now.</summary>
    public static int FreePort() => FreePort(IPAddress.Loopback);

    /// <summary>A TCP port that is free on <paramref name="address"/> right now.</summary>
    public static int FreePort(IPAddress address)
    {
        using var l = new TcpListener(address, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>A port in 600–1023 that is free on 127.0.0.1 right now.</summary>
    public static int FreePrivilegedPort()
    {
        for (var port = 600 + Random.Shared.Next(200); port < 1024; port++)
        {
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: try the next one
            }
        }

        throw new InvalidOperationException("no free privileged port");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        _changed.Dispose();
    }

    private static string[] SetprivCaps(Caps caps) => caps switch
    {
        Caps.Dropped => ["--bounding-set=-all", "--inh-caps=-all"],
        Caps.Inherited => ["--inh-caps=-all"],
        Caps.NetBindServiceOnly => ["--bounding-set=-all,+net_bind_service", "--inh-caps=-all"],
        Caps.SysAdminOnly => ["--bounding-set=-all,+sys_admin", "--inh-caps=-all"],
        Caps.NobodyWithNetBindService =>
        [
            "--reuid=65534", "--regid=65534", "--clear-groups", "--ambient-caps=+net_bind_service",
            "--bounding-set=-all,+net_bind_service", "--inh-caps=-all,+net_bind_service",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(caps)),
    };
}
