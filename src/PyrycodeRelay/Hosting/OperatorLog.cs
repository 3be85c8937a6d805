using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// Operator-facing runtime events: the drain's phases, SIGHUP, rejected upgrades at DEBUG, a remote metrics
/// listener (docs/operations.md#signals-and-drain, docs/logging.md). EventIds 1000–1099.
/// </summary>
internal static partial class OperatorLog
{
    [LoggerMessage(EventId = 1000, EventName = "readiness withdrawn; waiting for the shutdown delay", Level = LogLevel.Information,
        Message = "readiness withdrawn; waiting for the shutdown delay duration={duration}")]
    public static partial void ShutdownDelay(ILogger logger, string duration);

    [LoggerMessage(EventId = 1001, EventName = "listeners closed; closing connections", Level = LogLevel.Debug,
        Message = "listeners closed; closing connections")]
    public static partial void ListenersClosed(ILogger logger);

    [LoggerMessage(EventId = 1002, EventName = "sighup received; reloading certificates", Level = LogLevel.Information,
        Message = "sighup received; reloading certificates mode={mode}")]
    public static partial void SighupReload(ILogger logger, string mode);

    [LoggerMessage(EventId = 1003, EventName = "sighup received; nothing to reload", Level = LogLevel.Information,
        Message = "sighup received; nothing to reload mode={mode}")]
    public static partial void SighupNothingToReload(ILogger logger, string mode);

    [LoggerMessage(EventId = 1004, EventName = "upgrade_rejected", Level = LogLevel.Debug,
        Message = "upgrade_rejected path={path} reason={reason} remote={remote}")]
    public static partial void UpgradeRejected(ILogger logger, string path, string reason, string remote);

    [LoggerMessage(EventId = 1005, EventName = "metrics listener reachable beyond loopback", Level = LogLevel.Warning,
        Message = "metrics listener reachable beyond loopback listen={listen}")]
    public static partial void MetricsRemote(ILogger logger, string listen);
}
