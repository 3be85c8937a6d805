using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Hosting;

/// <summary>Shutdown and listener events (docs/logging.md#boot-tls-and-shutdown-events, docs/operations.md#shutdown). EventIds 8xx.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 800, EventName = "shutdown signal received; draining", Level = LogLevel.Information,
        Message = "shutdown signal received; draining")]
    public static partial void ShutdownSignalReceived(ILogger logger);

    [LoggerMessage(EventId = 801, EventName = "shutdown complete", Level = LogLevel.Information,
        Message = "shutdown complete")]
    public static partial void ShutdownComplete(ILogger logger);

    [LoggerMessage(EventId = 802, EventName = "shutdown deadline exceeded; force-closed listeners", Level = LogLevel.Warning,
        Message = "shutdown deadline exceeded; force-closed listeners err={err}")]
    public static partial void ShutdownDeadlineExceeded(ILogger logger, string err);

    [LoggerMessage(EventId = 803, EventName = "drain incomplete", Level = LogLevel.Warning,
        Message = "drain incomplete err={err}")]
    public static partial void DrainIncomplete(ILogger logger, string err);

    [LoggerMessage(EventId = 804, EventName = "listener failed", Level = LogLevel.Error,
        Message = "listener failed addr={addr} err={err}")]
    public static partial void ListenerFailed(ILogger logger, string addr, string err);

    [LoggerMessage(EventId = 805, EventName = "listener error; draining", Level = LogLevel.Error,
        Message = "listener error; draining")]
    public static partial void ListenerErrorDraining(ILogger logger);

    [LoggerMessage(EventId = 806, EventName = "http server shutdown", Level = LogLevel.Error,
        Message = "http server shutdown err={err}")]
    public static partial void HttpServerShutdown(ILogger logger, string err);
}
