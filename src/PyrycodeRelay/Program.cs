using PyrycodeRelay.Hosting;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Push;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay;

/// <summary>The composition root: boot checks, then the relay.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var stderr = Console.OpenStandardError();
        var boot = BootSequence.Run(
            args,
            SystemBootEnvironment.Instance,
            Console.Out,
            Console.Error,
            format => RelayLogging.CreateFactory(format, stderr, TimeProvider.System),
            ServiceAccountKey.IsValid);
        return boot.ShouldRun ? await RelayProcess.RunAsync(boot.Plan) : boot.ExitCode;
    }
}
