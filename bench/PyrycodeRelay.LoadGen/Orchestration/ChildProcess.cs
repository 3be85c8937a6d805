using System.Collections.Concurrent;
using System.Diagnostics;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>A started process whose stdout lines are collected (and can be awaited) and whose stderr goes to a log.</summary>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly List<Action<string>> _watchers = [];

    public ChildProcess(string file, IEnumerable<string> args, string? stdoutLog, string stderrLog, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        Name = Path.GetFileName(stderrLog);
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var err = new StreamWriter(stderrLog, append: true) { AutoFlush = true };
        var outLog = stdoutLog is null ? null : new StreamWriter(stdoutLog, append: true) { AutoFlush = true };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (err)
                {
                    err.WriteLine(e.Data);
                }
            }
        };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.CompleteAdding();
                return;
            }

            if (outLog is not null)
            {
                lock (outLog)
                {
                    outLog.WriteLine(e.Data);
                }

                return;
            }

            lock (_watchers)
            {
                foreach (var w in _watchers)
                {
                    w(e.Data);
                }
            }

            _lines.Add(e.Data);
        };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Runs <paramref name="watcher"/> synchronously on every later stdout line (for timing markers).</summary>
    public void Watch(Action<string> watcher)
    {
        lock (_watchers)
        {
            _watchers.Add(watcher);
        }
    }

    /// <summary>Waits for a stdout line starting with <paramref name="prefix"/>; returns it.</summary>
    public string WaitLine(string prefix, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{Name}: no '{prefix}' line within {timeout.TotalSeconds:F0} s");
            }

            if (!_lines.TryTake(out var line, left))
            {
                if (_lines.IsCompleted)
                {
                    throw new InvalidOperationException($"{Name} exited before printing '{prefix}' (see its log)");
                }

                continue;
            }

            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    public void WriteLine(string line)
    {
        try
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
        }
    }

    public bool WaitExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Kill(_process.Id, 15);
        if (!_process.WaitForExit(grace))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. 2 = SIGINT) to the process.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, signal);
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(10));
        _process.Dispose();
        // _lines is not disposed: the stdout reader's end-of-stream callback (CompleteAdding) can run after this,
        // on a thread-pool thread, and an ObjectDisposedException there ends the whole run.
    }
}
