using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Push;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay;

/// <summary>The composition root: the boot sequence of docs/operations.md#boot-sequence on the real process environment.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Hosting.InlineIo.EnableForProcess(); // before any socket operation: forward on the polling threads
        if (args.Length > 0 && args[0] == Check.CheckCommand.Name)
        {
            return await Check.CheckCommand.RunAsync(args[1..], Console.Out, Console.Error); // the operator's probe
        }

        var stderr = Console.OpenStandardError();
        var boot = BootSequence.Run( // steps 1–18
            args,
            SystemBootEnvironment.Instance,
            Console.Out,
            Console.Error,
            (format, level) => RelayLogging.CreateQueuedFactory(format, stderr, TimeProvider.System, minimumLevel: level),
            ServiceAccountKey.IsValid);
        if (!boot.ShouldRun)
        {
            return boot.ExitCode;
        }

        return boot.Plan.CheckConfigOnly
            ? await BootSequence.CheckConfigAsync(boot.Plan, Console.Out) // --check-config: nothing is bound
            : await BootSequence.ServeAsync(boot.Plan); // steps 19–24
    }
}
