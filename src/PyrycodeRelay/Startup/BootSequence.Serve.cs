using Microsoft.Extensions.Logging;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Startup;

/// <summary>Boot steps 19–24 (docs/operations.md#boot-sequence): from a validated <see cref="BootPlan"/> to a serving relay.</summary>
internal static partial class BootSequence
{
    /// <summary>
    /// Runs steps 20–24 for <paramref name="plan"/> and returns the process exit code (0 after a signal-triggered
    /// drain, 1 for a certificate-source or listener failure, 2 for a listener refusal). Signals are caught before
    /// the first line that tells a supervisor (or a test) the relay is starting. Disposes the plan's logger factory.
    /// </summary>
    public static async Task<int> ServeAsync(BootPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var shutdown = ShutdownSignal.Register();
        using var hangup = HangupSignal.Register();
        RelayTls? tls = null;
        try
        {
            if (plan.Mode == RelayMode.Insecure)
            {
                BootAnnouncements.LogStarting(plan); // 20i: before the listener checks
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

            hangup.Handler = ReloadOnHangup(plan, tls);

            if (CheckListeners(plan, tls, out var settings) is { } refusal) // 21i / 21t
            {
                refusal.Log(plan.Logger);
                return refusal.ExitCode;
            }

            if (plan.Mode != RelayMode.Insecure)
            {
                BootAnnouncements.LogStarting(plan); // 22t: after the listener checks
            }

            BootAnnouncements.LogStartingMetricsListener(plan); // 23
            return await ServingLifecycle.RunAsync(settings, shutdown.Received); // 24
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

    /// <summary>SIGHUP: static certificates are reloaded (and the reload logged); otherwise the signal is only logged.</summary>
    private static Action ReloadOnHangup(BootPlan plan, RelayTls? tls)
    {
        var logger = plan.LoggerFactory.CreateLogger(ServingLifecycle.LoggerCategory);
        var mode = tls?.ModeName ?? BootLog.ModeInsecure;
        return () =>
        {
            if (tls is not null && tls.Mode == TlsMode.Static)
            {
                OperatorLog.SighupReload(logger, mode);
                tls.ReloadCertificates();
            }
            else
            {
                OperatorLog.SighupNothingToReload(logger, mode);
            }
        };
    }

    /// <summary>Steps 21i/21t: the listener addresses, the host settings, and the port allowlist before binding.</summary>
    private static BootRefusal? CheckListeners(BootPlan plan, RelayTls? tls, out RelayHostSettings settings)
    {
        settings = null!;
        if (ListenerChecks.ResolveListeners(plan, out var listeners) is { } refusal)
        {
            return refusal;
        }

        settings = new RelayHostSettings
        {
            Options = plan.Options,
            Loggers = plan.LoggerFactory,
            RelayListener = (listeners!.Insecure ?? listeners.Https)!,
            HttpListener = listeners.Http,
            MetricsListener = listeners.Metrics,
            Tls = tls,
            FcmKey = plan.FcmKey,
            RedisPassword = plan.RedisPassword,
            Version = plan.Version,
        };
        return ListenerChecks.CheckPortAllowlist(settings.BindPorts, listeners.ExpectedPorts);
    }
}
