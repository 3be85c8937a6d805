using System.Runtime.CompilerServices;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Process-wide set-up of the test host. Several harness helpers wait synchronously inside polling conditions
/// (a Redis command, an HTTP probe: <c>Eventually.Async(() => ….GetAwaiter().GetResult())</c>), and in-process relays
/// forward on the thread that completed the receive (Kestrel's inline pipe scheduling, as in the relay process). On
/// this 2-core machine the thread pool starts with 2 threads and adds about one every half second when they are
/// all busy, so a burst of such waits in one test class could stall the completions of every other test in the
/// process for seconds (a fresh-clone run saw three signal tests of other classes time out in one 30 s window).
/// Starting with more pool threads removes the stall; it changes nothing in the relay under test.
/// </summary>
internal static class TestProcessSetup
{
    private const int MinThreads = 32;

#pragma warning disable CA2255 // a test assembly's one-time process set-up, before any test runs
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinThreads), Math.Max(io, MinThreads));
    }
}
