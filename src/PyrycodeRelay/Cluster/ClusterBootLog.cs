using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Cluster;

/// <summary>Cluster-mode boot events (EventIds 1400–1419; the other boot events are <c>Startup.BootLog</c>, 1xx).</summary>
internal static partial class ClusterBootLog
{
    [LoggerMessage(EventId = 1400, EventName = "single_instance_check", Level = LogLevel.Information,
        Message = "single_instance_check result={result} node_id={node_id}")]
    public static partial void SingleInstanceCheckShared(ILogger logger, string result, string node_id);

    [LoggerMessage(EventId = 1410, EventName = "refusing to start: invalid --cluster-redis", Level = LogLevel.Error,
        Message = "refusing to start: invalid --cluster-redis err={err} fix={fix}")]
    public static partial void InvalidClusterRedis(ILogger logger, string err, string fix);

    [LoggerMessage(EventId = 1411, EventName = "refusing to start: invalid --node-id", Level = LogLevel.Error,
        Message = "refusing to start: invalid --node-id err={err} value={value} fix={fix}")]
    public static partial void InvalidNodeId(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 1412, EventName = "refusing to start: invalid --cluster-lease", Level = LogLevel.Error,
        Message = "refusing to start: invalid --cluster-lease err={err} value={value} fix={fix}")]
    public static partial void InvalidClusterLease(ILogger logger, string err, string value, string fix);
}
