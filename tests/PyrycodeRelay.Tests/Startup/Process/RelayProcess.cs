using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>How the relay process gets its Linux capabilities.</summary>
public enum Caps
{
    /// <summary><c>setpriv --bounding-set=-all --inh-caps=-all</c>: empty effective set.</summary>
    Dropped,

    /// <summary>Only <c>CAP_NET_BIND_SERVICE</c> (root with the bounding set limited to it).</summary>
    NetBindServiceOnly,

    /// <summary>Only <c>CAP_SYS_ADMIN</c>.</summary>
    SysAdminOnly,

    /// <summary>No setpriv: whatever this (root) test process has.</summary>
    Inherited,

    /// <summary>
    /// uid/gid 65534 with <c>CAP_NET_BIND_SERVICE</c> as an ambient capability (a non-root container with
    /// <c>--cap-drop=ALL --cap-add=NET_BIND_SERVICE</c>).
    /// </summary>
    NobodyWithNetBindService,
}

/// <summary>
/// Runs the built relay (<c>dotnet pyrycode-relay.dll</c> from the test output directory) in a controlled
/// environment (empty plus PATH, HOME and DOTNET_ROOT), capturing stdout and stderr.
/// </summary>
public sealed class RelayProcess : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly System.Diagnostics.Process _process;
    private readonly List<string> _stderrLines = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Task<string> _stdout;
    private readonly Task _stderrPump;

    private RelayProcess(System.Diagnostics.Process process)
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

    public static RelayProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, Caps caps = Caps.Dropped, string[]? extraSetpriv = null)
    {
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
            foreach (var a in extraSetpriv ?? [])
            {
                psi.ArgumentList.Add(a);
            }

            switch (caps)
            {
                case Caps.Dropped: psi.ArgumentList.Add("--bounding-set=-all"); break;
                case Caps.NetBindServiceOnly: psi.ArgumentList.Add("--bounding-set=-all,+net_bind_service"); break;
                case Caps.SysAdminOnly: psi.ArgumentList.Add("--bounding-set=-all,+sys_admin"); break;
                case Caps.NobodyWithNetBindService:
                    foreach (var a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "--ambient-caps=+net_bind_service", "--bounding-set=-all,+net_bind_service"])
                    {
                        psi.ArgumentList.Add(a);
                    }

                    break;
                default: break;
            }

            psi.ArgumentList.Add(caps == Caps.NobodyWithNetBindService ? "--inh-caps=-all,+net_bind_service" : "--inh-caps=-all");
            psi.ArgumentList.Add(dotnet);
        }

        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pyrycode-relay.dll"));
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

        var process = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("relay did not start");
        return new RelayProcess(process);
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

    /// <summary>Sends SIGTERM to the relay (setpriv execs, so the pid is the relay's).</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>The relay's pid (setpriv execs the runtime, so it is the relay's own).</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the relay has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Sends the named signal (<c>TERM</c>, <c>INT</c>) to the relay.</summary>
    public void Signal(string name)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

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

    private static string DotnetPath()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
