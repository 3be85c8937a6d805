using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Hosting;

/// <summary>Service-manager events (docs/logging.md#boot-tls-and-shutdown-events). EventIds 1100–1199.</summary>
internal static partial class ServiceManagerLog
{
    [LoggerMessage(EventId = 1100, EventName = "systemd_notify_failed", Level = LogLevel.Warning,
        Message = "systemd_notify_failed err={err}")]
    public static partial void NotifyFailed(ILogger logger, string err);
}
