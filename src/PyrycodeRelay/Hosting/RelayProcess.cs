using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Startup;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// Boot steps 19–24 (operations.md §3) and the process lifetime: certificate source, listener checks,
/// the host, then serve until SIGTERM/SIGINT (exit 0) or a listener failure (exit 1), draining either way.
/// </summary>
public static class RelayProcess
{
    /// <summary>Runs the relay for a validated boot plan; returns the process exit code.</summary>
    public static async Task<int> RunAsync(BootPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);

        // Signals are caught before the first line that tells a supervisor (or a test) the relay is starting.
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // a second signal during the drain is ignored
            signal.TrySetResult();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        var logger = plan.LoggerFactory.CreateLogger("PyrycodeRelay.Host");
        RelayTls? tls = null;
        try
        {
            if (plan.Mode == RelayMode.Insecure)
            {
                BootAnnouncements.LogStarting(plan); // 20i precedes 21i
            }
            else
            {
                var setup = TlsSetup.Create(plan.Options, plan.LoggerFactory, TimeProvider.System); // 20t
                if (!setup.Succeeded)
                {
                    return 1; // already logged: autocert / tls setup failed
                }

                tls = setup.Tls;
            }

            var settings = ResolveSettings(plan, tls, out var refusal);
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
            return await ServeAsync(settings!, tls, signal.Task, logger);
        }
        finally
        {
            if (tls is not null)
            {
                await tls.DisposeAsync();
            }

            plan.LoggerFactory.Dispose();
        }
    }

    private static RelayHostSettings? ResolveSettings(BootPlan plan, RelayTls? tls, out BootRefusal? refusal)
    {
        refusal = ListenerChecks.ResolveListeners(plan, out var listeners);
        if (refusal is not null)
        {
            return null;
        }

        var settings = new RelayHostSettings
        {
            Options = plan.Options,
            Loggers = plan.LoggerFactory,
            RelayListener = (listeners!.Insecure ?? listeners.Https)!,
            HttpListener = listeners.Http,
            MetricsListener = listeners.Metrics,
            Tls = tls,
            FcmCredentials = plan.FcmCredentials,
            Version = plan.Version,
        };
        refusal = ListenerChecks.CheckPortAllowlist(settings.BindPorts, listeners.ExpectedPorts);
        return refusal is null ? settings : null;
    }

    private static async Task<int> ServeAsync(RelayHostSettings settings, RelayTls? tls, Task signal, ILogger logger)
    {
        RelayHost host;
        try
        {
            host = await RelayHost.StartAsync(settings);
        }
        catch (ListenerBindException ex)
        {
            HostLog.ListenerFailed(logger, ex.Address, ex.Error);
            HostLog.ListenerErrorDraining(logger);
            return 1;
        }

        await using (host)
        {
            tls?.Start(); // ACME issuance needs the HTTP listener accepting
            await signal;
            HostLog.ShutdownSignalReceived(logger);
            await host.ShutdownAsync();
            return 0;
        }
    }
}
