using System.Diagnostics;
using PyrycodeRelay.Fuzz;
using PyrycodeRelay.Fuzz.Targets;

// Usage:
//   PyrycodeRelay.Fuzz list
//   PyrycodeRelay.Fuzz <target> afl                      (under afl-fuzz; see fuzz.sh)
//   PyrycodeRelay.Fuzz <target> run <file-or-dir>...     (replay inputs; exit 1 on the first finding)
//   PyrycodeRelay.Fuzz <target> random <seconds> [seed] [corpus-dir]   (uninstrumented mutation fallback)
//   PyrycodeRelay.Fuzz <target> seeds <dir>              (write the hand-made seed corpus)
IFuzzTarget[] targets =
[
    new WsFrameHeaderTarget(),
    new WsConnectionTarget(),
    new EnvelopeTarget(),
    new PhoneFrameTarget(),
    new HeaderGateTarget(),
    new ProxyHeaderTarget(),
    new GoDurationTarget(),
    new CommandLineTarget(),
];

if (args.Length == 0 || args[0] == "list")
{
    foreach (var t in targets)
    {
        Console.WriteLine(t.Name);
    }

    return 0;
}

var target = Array.Find(targets, t => t.Name == args[0]);
if (target is null || args.Length < 2)
{
    Console.Error.WriteLine($"unknown target or missing mode: {string.Join(' ', args)}");
    return 2;
}

switch (args[1])
{
    case "afl":
        SharpFuzz.Fuzzer.Run(stream =>
        {
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            Runner.RunOne(target, ms.GetBuffer().AsSpan(0, (int)ms.Length));
        });
        return 0;
    case "run":
        return Runner.Replay(target, args.Skip(2));
    case "random":
        var seconds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 60;
        var seed = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : Environment.TickCount;
        var corpus = args.Length > 4 ? args[4] : null;
        return RandomFuzzer.Run(target, TimeSpan.FromSeconds(seconds), seed, corpus);
    case "seeds":
        Directory.CreateDirectory(args[2]);
        var i = 0;
        foreach (var s in target.Seeds())
        {
            File.WriteAllBytes(Path.Combine(args[2], $"seed-{i++:D3}"), s);
        }

        Console.WriteLine($"{i} seeds written to {args[2]}");
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode {args[1]}");
        return 2;
}

/// <summary>Runs inputs with the allocation guard.</summary>
internal static class Runner
{
    /// <summary>Runs one input; throws on a finding (including an allocation above the target's budget).</summary>
    public static void RunOne(IFuzzTarget target, ReadOnlySpan<byte> data)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        target.Run(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var budget = target.AllocationBudget(data.Length);
        InvariantException.Check(allocated <= budget, $"unbounded allocation: {allocated} bytes for a {data.Length}-byte input (budget {budget})");
    }

    /// <summary>Replays files (or every file of directories); prints each finding's input path and exception.</summary>
    public static int Replay(IFuzzTarget target, IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]).ToList();
        var sw = Stopwatch.StartNew();
        var failures = 0;
        foreach (var file in files)
        {
            try
            {
                RunOne(target, File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                failures++;
                Console.WriteLine($"FINDING {file}\n{ex}");
            }
        }

        Console.WriteLine($"{target.Name}: replayed {files.Count} inputs in {sw.Elapsed.TotalSeconds:F1}s, {failures} findings");
        return failures == 0 ? 0 : 1;
    }
}
