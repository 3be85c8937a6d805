using PyrycodeRelay.Startup;

namespace PyrycodeRelay;

internal static class Program
{
    public static int Main(string[] args)
    {
        // TEMPORARY logging and host: replace TemporaryLogging.CreateFactory with the real formatter and
        // InterimHost.Run with the Kestrel host (steps 19–24), passing the Push parser to BootSequence.Run.
        var boot = BootSequence.Run(args, SystemBootEnvironment.Instance, Console.Out, Console.Error, TemporaryLogging.CreateFactory);
        return boot.ShouldRun ? InterimHost.Run(boot.Plan) : boot.ExitCode;
    }
}
