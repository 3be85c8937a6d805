using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// Boot step 24 (docs/operations.md#boot-sequence, docs/operations.md#shutdown): bind the listeners and serve until SIGTERM/SIGINT (exit 0) or a
/// listener failure (ERROR <c>listener failed</c>, exit 1), draining either way.
/// </summary>
internal static class ServingLifecycle
{
    /// <summary>Logger category of the serving and shutdown lines.</summary>
    public const string LoggerCategory = "PyrycodeRelay.Host";

    /// <summary>Runs the relay until <paramref name="shutdown"/> completes; returns the process exit code.</summary>
    public static async Task<int> RunAsync(RelayHostSettings settings, Task shutdown)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(shutdown);
        var logger = settings.Loggers.CreateLogger(LoggerCategory);
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
            settings.Tls?.Start(); // ACME issuance needs the HTTP listener accepting
            await shutdown;
            HostLog.ShutdownSignalReceived(logger);
            await host.ShutdownAsync();
            return 0;
        }
    }
}
