using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Push;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay;

/// <summary>The composition root: the boot sequence of operations.md §3 on the real process environment.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var stderr = Console.OpenStandardError();
        return BootSequence.RunAsync(
            args,
            SystemBootEnvironment.Instance,
            Console.Out,
            Console.Error,
            format => RelayLogging.CreateFactory(format, stderr, TimeProvider.System),
            ServiceAccountKey.IsValid);
    }
}
