using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Push;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay;

/// <summary>The composition root: the boot sequence of docs/operations.md#boot-sequence on the real process environment.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var stderr = Console.OpenStandardError();
        var boot = BootSequence.Run( // steps 1–18
            args,
            SystemBootEnvironment.Instance,
            Console.Out,
            Console.Error,
            format => RelayLogging.CreateFactory(format, stderr, TimeProvider.System),
            ServiceAccountKey.IsValid);
        return boot.ShouldRun ? await BootSequence.ServeAsync(boot.Plan) : boot.ExitCode; // steps 19–24
    }
}
