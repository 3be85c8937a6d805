using System.Runtime.InteropServices;

namespace PyrycodeRelay.Startup;

/// <summary>
/// TEMPORARY stand-in for the real host (steps 19–24), so the boot checks can be exercised as a process:
/// it logs <c>starting</c>, runs the listener checks of 21i/21t, logs <c>starting metrics listener</c>,
/// binds nothing, and waits for SIGTERM/SIGINT (exit 0). The lead replaces it with the Kestrel host.
/// </summary>
public static class InterimHost
{
    /// <summary>Runs until a signal; returns the exit code.</summary>
    public static int Run(BootPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);

        // Signals are caught before the first line that tells a supervisor (or test) the relay is starting.
        using var stop = new ManualResetEventSlim();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Set();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        try
        {
            if (plan.Mode == RelayMode.Insecure)
            {
                BootAnnouncements.LogStarting(plan); // 20i precedes 21i
            }

            var refusal = ListenerChecks.ResolveListeners(plan, out var listeners);
            if (refusal is null)
            {
                var bind = new List<int>();
                foreach (var e in (ListenEndpoint?[])[listeners!.Insecure, listeners.Https, listeners.Http, listeners.Metrics])
                {
                    if (e is not null)
                    {
                        bind.Add(e.Port);
                    }
                }

                refusal = ListenerChecks.CheckPortAllowlist(bind, listeners.ExpectedPorts);
            }

            if (refusal is not null)
            {
                refusal.Log(plan.Logger);
                return refusal.ExitCode;
            }

            if (plan.Mode != RelayMode.Insecure)
            {
                BootAnnouncements.LogStarting(plan); // 22t follows 21t
            }

            BootAnnouncements.LogStartingMetricsListener(plan);
            stop.Wait();
            return 0;
        }
        finally
        {
            plan.LoggerFactory.Dispose();
        }
    }
}
