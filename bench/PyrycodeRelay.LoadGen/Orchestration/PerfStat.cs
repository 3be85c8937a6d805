using System.Globalization;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>
/// <c>run --perf-stat</c>: counts the target's system calls and context switches during a measured window with
/// <c>perf stat</c> on kernel tracepoints (counting only, no per-event record: a few percent of overhead, unlike
/// strace). Grouped into what one forwarded frame costs: socket sends, socket receives, epoll waits, futex
/// (thread-pool wake-ups and waits), all syscalls, and scheduler switches.
/// </summary>
internal sealed class PerfStat : IDisposable
{
    /// <summary>Result keys and the tracepoints summed into each.</summary>
    public static readonly (string Name, string[] Events)[] Groups =
    [
        ("syscalls", ["raw_syscalls:sys_enter"]),
        ("send", ["syscalls:sys_enter_sendto", "syscalls:sys_enter_sendmsg", "syscalls:sys_enter_write", "syscalls:sys_enter_writev"]),
        ("recv", ["syscalls:sys_enter_recvfrom", "syscalls:sys_enter_recvmsg", "syscalls:sys_enter_read", "syscalls:sys_enter_readv"]),
        ("epoll_wait", ["syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_epoll_pwait"]),
        ("futex", ["syscalls:sys_enter_futex"]),
        ("sched_switch", ["sched:sched_switch"]),
    ];

    private readonly ChildProcess _perf;
    private readonly string _file;

    private PerfStat(ChildProcess perf, string file)
    {
        _perf = perf;
        _file = file;
    }

    /// <summary>Starts counting for <paramref name="pids"/> (all their threads); output goes to <paramref name="file"/>.</summary>
    public static PerfStat Start(int[] pids, string file, string log)
    {
        File.Delete(file);
        var events = string.Join(',', Groups.SelectMany(g => g.Events));
        var perf = new ChildProcess("perf", ["stat", "-x", ",", "--no-big-num", "-e", events, "-p", string.Join(',', pids), "-o", file], log + ".out", log);
        return new PerfStat(perf, file);
    }

    /// <summary>Stops counting (SIGINT, as perf expects) and returns each group's count.</summary>
    public Dictionary<string, double> Stop()
    {
        _perf.Signal(2);
        _perf.WaitExit(TimeSpan.FromSeconds(10));
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!File.Exists(_file))
        {
            return counts;
        }

        var byEvent = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(_file))
        {
            var f = line.Split(',');
            if (line.StartsWith('#') || f.Length < 3 || !double.TryParse(f[0], CultureInfo.InvariantCulture, out var v))
            {
                continue;
            }

            byEvent[f[2]] = v;
        }

        foreach (var (name, events) in Groups)
        {
            if (events.Any(byEvent.ContainsKey))
            {
                counts[name] = events.Sum(e => byEvent.GetValueOrDefault(e));
            }
        }

        return counts;
    }

    public void Dispose() => _perf.Dispose();
}
