using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>Refusals of the issue 13 hardening flags (EventIds 910–929).</summary>
internal static partial class BootLog
{
    [LoggerMessage(EventId = 910, EventName = "refusing to start: invalid --max-connections-per-source", Level = LogLevel.Error,
        Message = "refusing to start: invalid --max-connections-per-source err={err} value={value} fix={fix}")]
    public static partial void InvalidMaxConnectionsPerSource(ILogger logger, string err, long value, string fix);

    [LoggerMessage(EventId = 911, EventName = "refusing to start: invalid --trusted-proxy-cidrs", Level = LogLevel.Error,
        Message = "refusing to start: invalid --trusted-proxy-cidrs err={err} value={value} fix={fix}")]
    public static partial void InvalidTrustedProxyCidrs(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 912, EventName = "refusing to start: invalid --max-pending-connections", Level = LogLevel.Error,
        Message = "refusing to start: invalid --max-pending-connections err={err} value={value} fix={fix}")]
    public static partial void InvalidMaxPendingConnections(ILogger logger, string err, long value, string fix);

    [LoggerMessage(EventId = 913, EventName = "refusing to start: invalid --max-pending-connections-per-source", Level = LogLevel.Error,
        Message = "refusing to start: invalid --max-pending-connections-per-source err={err} value={value} fix={fix}")]
    public static partial void InvalidMaxPendingConnectionsPerSource(ILogger logger, string err, long value, string fix);
}
