using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PyrycodeRelay.Soak;

/// <summary>The relay under test as a process (capabilities dropped with setpriv), and /proc sampling.</summary>
internal sealed class SoakRelayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly List<string> _lines = [];

    private SoakRelayProcess(Process process, int port, StreamWriter log)
    {
        _process = process;
        Port = port;
        _log = log;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public Uri BaseUri => new($"ws://127.0.0.1:{Port}");

    public static async Task<SoakRelayProcess> StartAsync(string dll, string logPath, IEnumerable<string> extraArgs)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("setpriv")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--bounding-set=-all", "--inh-caps=-all", "dotnet", dll,
            "--insecure-listen", $"127.0.0.1:{port}", "--metrics-listen=", "--rate-limit-burst", "1000000", "--max-connections-per-source", "1000000", "--max-pending-connections-per-source", "1000000",
            "--grace-period", "2s", "--conflict-probe-timeout", "1s", "--heartbeat-interval", "5s", "--heartbeat-timeout", "5s",
            .. extraArgs,
        ];
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("FLY_APP_NAME");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("setpriv did not start");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        SoakRelayProcess? self = null;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine(e.Data);
                    self?._lines.Add(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var relay = new SoakRelayProcess(process, port, log);
        self = relay;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"relay exited with {process.ExitCode}; see {logPath}");
            }

            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"))).IsSuccessStatusCode)
                {
                    return relay;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("relay did not become healthy within 20 s");
    }

    /// <summary>Position in the relay's log (lines so far).</summary>
    public int LogMark
    {
        get
        {
            lock (_log)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>Whether the relay logged <c>msg=<paramref name="msg"/> server_id=<paramref name="serverId"/></c> after <paramref name="mark"/>.</summary>
    public bool Logged(int mark, string msg, string serverId)
    {
        var needle = $"msg={msg} server_id={serverId}";
        lock (_log)
        {
            for (var i = mark; i < _lines.Count; i++)
            {
                var at = _lines[i].IndexOf(needle, StringComparison.Ordinal);
                if (at >= 0 && (at + needle.Length == _lines[i].Length || _lines[i][at + needle.Length] == ' '))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>VmRSS (KiB), thread count and open descriptors of the relay process.</summary>
    public Sample Sample(TimeSpan at, string health)
    {
        long rss = 0, threads = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = long.Parse(line.Split('\t', ' ').Last(s => s.Length > 0), CultureInfo.InvariantCulture);
            }
        }

        var fds = Directory.GetFiles($"/proc/{Pid}/fd").Length;
        return new Sample(at.TotalSeconds, rss, threads, fds, health);
    }

    /// <summary>SIGTERM; returns the exit code and how long the drain took (null if it did not exit in time).</summary>
    public async Task<(int? ExitCode, double Seconds)> TerminateAsync(TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return (_process.ExitCode, sw.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            return (null, sw.Elapsed.TotalSeconds);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>One sample of the relay process.</summary>
internal sealed record Sample(double Seconds, long RssKiB, long Threads, long Fds, string Health);
