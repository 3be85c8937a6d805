using System.Runtime.CompilerServices;
using PyrycodeRelay.Transport;

namespace PyrycodeRelay.Tests.Support;

/// <summary>Set-up of the test process, before any test runs.</summary>
internal static class TestProcessSetup
{
    /// <summary>
    /// The epoll transport's loops are shared by every relay in a process. A relay process has one loop per core to
    /// itself; here dozens of in-process relays run at once, so eight loops let the kernel time-slice one relay's
    /// burst (10,000 HTTP exchanges, a TLS handshake) against the others' frames, as it does separate processes.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => EpollLoop.LoopCount = Math.Max(8, Environment.ProcessorCount);
}
