using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen;

/// <summary>
/// Benchmark tool. <c>run</c> orchestrates every scenario against the relay, nginx and the direct echo and
/// writes a results file; <c>report</c> turns a results file into docs/performance.md and its chart. The
/// other commands are the worker processes <c>run</c> starts (phones, binaries, idle, setup).
/// </summary>
public static class Program
{
    /// <summary>Dispatches the command.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: PyrycodeRelay.LoadGen run|report|ab-table|phones|binaries|idle|setup [--options]");
            return 2;
        }

        var rest = new WorkerArgs(args.Skip(1));
        return args[0] switch
        {
            "phones" => await PhonesWorker.RunAsync(rest),
            "binaries" => await BinariesWorker.RunAsync(rest),
            "idle" => await IdleWorker.RunAsync(rest),
            "setup" => await SetupWorker.RunAsync(rest),
            "run" => await Orchestration.Runner.RunAsync(rest),
            "report" => Reporting.Report.Write(rest),
            "ab-table" => Reporting.AbTable.Print(rest),
            _ => Usage(args[0]),
        };
    }

    private static int Usage(string command)
    {
        Console.Error.WriteLine($"unknown command {command}");
        return 2;
    }
}
