using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>
/// <c>run</c>: starts the relay, nginx and the echo, runs every scenario against each target in turn (the
/// order rotates per row), and writes <c>results.json</c> into <c>--out</c>. Options: <c>--warmup</c>,
/// <c>--duration</c> (seconds per load run), <c>--window</c>, <c>--sizes</c>, <c>--phones</c>,
/// <c>--idle-levels</c>, <c>--skip-idle</c>, <c>--skip-load</c>, <c>--quick</c>, <c>--throughput-only</c>;
/// extra rows: <c>--rows</c> (<see cref="RowSpec"/> list or presets; default <c>all</c>, none with <c>--quick</c>),
/// <c>--reps</c>, <c>--rows-closed-only</c>, <c>--skip-matrix</c>; targets: <c>--targets</c>, <c>--relay-dll</c>
/// (the relay build measured as <c>relay</c>), <c>--relay-b-dll</c> / <c>--relay-b-env</c> (a second build or
/// environment measured as <c>relay-b</c>); <c>--perf-stat</c> (system calls per round trip, <see cref="PerfStat"/>).
/// </summary>
internal static partial class Runner
{
    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(WorkerArgs a)
    {
        var root = FindRepoRoot();
        var outDir = Path.GetFullPath(a.Get("out", Path.Combine(root, "artifacts/bench")));
        Directory.CreateDirectory(outDir);
        var quick = a.Flag("quick");
        var settings = new RunSettings(
            WarmupSeconds: a.Double("warmup", quick ? 1 : 2),
            DurationSeconds: a.Double("duration", quick ? 2 : 5),
            Window: a.Int("window", 8),
            Sizes: Ints(a.Get("sizes", quick ? "64" : "64,4096")),
            PhoneCounts: Ints(a.Get("phones", quick ? "1,16" : "1,16,64,256")),
            IdleLevels: Ints(a.Get("idle-levels", quick ? "1000,2000" : "5000,10000,19000")),
            SetupBinaries: a.Int("setup-binaries", quick ? 200 : 1000),
            SetupPhonesPer: a.Int("setup-phones-per", 4),
            Rows: [.. RowSpec.ParseList(a.Get("rows", quick ? "" : "all")).Select(r => r.ToString())],
            Reps: Math.Max(1, a.Int("reps", 1)));
        var notes = new List<string>();
        var machine = Machine(root);
        Log($"machine: {machine.Cpu}, {machine.Cores} cores, load {machine.LoadAtStart}; out {outDir}");
        RelayVariant? variant = null;
        if (a.Get("relay-b-env", "") != "" || a.Get("relay-b-dll", "") != "")
        {
            var env = a.Get("relay-b-env", "").Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
            variant = new RelayVariant(a.Get("relay-b-dll", "") is { Length: > 0 } d ? Path.GetFullPath(d) : null, env);
            notes.Add($"relay-b: dll {variant.Dll ?? "(same)"}, env {a.Get("relay-b-env", "")}");
        }

        var relayDll = a.Get("relay-dll", "") is { Length: > 0 } rd ? Path.GetFullPath(rd) : null;
        if (relayDll is not null)
        {
            notes.Add($"relay: dll {relayDll}");
        }

        var targets = a.Get("targets", variant is null ? "relay,nginx,direct" : "relay,relay-b,nginx,direct").Split(',');
        var runner = new RunContext(root, outDir, settings, notes, targets, variant, relayDll) { PerfStatOn = a.Flag("perf-stat") };
        var load = new List<LoadRow>();
        var setup = new List<SetupRow>();
        var idle = new List<IdleRow>();
        if (!a.Flag("skip-load"))
        {
            var plan = new LoadPlan(Matrix: !a.Flag("skip-matrix"), MatrixLatency: !a.Flag("throughput-only"),
                Rows: [.. settings.Rows!.Select(RowSpec.Parse)], Reps: settings.Reps, RowLatency: !a.Flag("rows-closed-only") && !a.Flag("throughput-only"));
            runner.RunLoad(load, setup, plan);
        }

        if (!a.Flag("skip-idle"))
        {
            runner.RunIdle(idle);
        }

        var results = new Results(machine with { LoadAtEnd = ProcStats.LoadAverage(), FinishedUtc = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture) },
            settings, load, setup, idle, notes);
        var path = Path.Combine(outDir, "results.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(results, Indented));
        Log($"wrote {path}");
        if (load.Any(r => r.Scenario == "row"))
        {
            Console.WriteLine();
            Console.Write(Reporting.AbTable.Format(results));
        }

        return 0;
    }

    internal static void Log(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    private static int[] Ints(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "pyrycode-relay.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (pyrycode-relay.slnx) not found above the tool");
    }

    private static MachineInfo Machine(string root)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var mem = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

        var os = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "?";
        return new MachineInfo(cpu, Environment.ProcessorCount, mem / 1024, File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), os,
            Environment.Version.ToString(), Capture("nginx", "-v"), ProcStats.LoadAverage(), "",
            DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture), "", Capture("git", $"-C {root} rev-parse --short HEAD"));
    }

    internal static string Capture(string file, string args, string? workingDirectory = null)
    {
        try
        {
            var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return text.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
