using System.Net.Sockets;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// Readiness for a service manager (docs/deploy.md#systemd): under <c>Type=notify</c> systemd sets
/// <c>NOTIFY_SOCKET</c> and waits for <c>READY=1</c>, sent once every listener accepts connections;
/// <c>STOPPING=1</c> is sent when the drain begins. Without <c>NOTIFY_SOCKET</c> nothing is sent. A failed send
/// is logged (WARN <c>systemd_notify_failed</c>) and never stops the relay: systemd's start timeout reports it.
/// Only the package's <see cref="SystemdNotifier"/> is used, not its host lifetime: the relay keeps its own
/// signal handling and drain.
/// </summary>
internal sealed class ServiceManagerNotifier
{
    private readonly ISystemdNotifier _notifier;
    private readonly ILogger _logger;

    public ServiceManagerNotifier(ISystemdNotifier notifier, ILogger logger)
    {
        _notifier = notifier;
        _logger = logger;
    }

    /// <summary>A notifier for the process environment's <c>NOTIFY_SOCKET</c> (absent: disabled).</summary>
    public static ServiceManagerNotifier FromEnvironment(ILogger logger) => new(new SystemdNotifier(), logger);

    /// <summary>Every listener is bound and accepting.</summary>
    public void Ready() => Send(ServiceState.Ready);

    /// <summary>The drain has begun.</summary>
    public void Stopping() => Send(ServiceState.Stopping);

    private void Send(ServiceState state)
    {
        if (!_notifier.IsEnabled)
        {
            return;
        }

        try
        {
            _notifier.Notify(state);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            ServiceManagerLog.NotifyFailed(_logger, "relay: sd_notify " + state + ": " + e.Message);
        }
    }
}
