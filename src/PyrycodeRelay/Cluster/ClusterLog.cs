using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Cluster;

/// <summary>Cluster-mode events (EventIds 1420–1499; boot events 1400–1419 are in <c>BootLog.Cluster.cs</c>). Every line names the node.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 1420, EventName = "cluster_redis_up", Level = LogLevel.Information,
        Message = "cluster_redis_up node_id={node_id} addr={addr}")]
    public static partial void RedisUp(ILogger logger, string node_id, string addr);

    [LoggerMessage(EventId = 1421, EventName = "cluster_redis_down", Level = LogLevel.Warning,
        Message = "cluster_redis_down node_id={node_id} addr={addr} err={err}")]
    public static partial void RedisDown(ILogger logger, string node_id, string addr, string err);

    [LoggerMessage(EventId = 1422, EventName = "cluster_unavailable", Level = LogLevel.Warning,
        Message = "cluster_unavailable node_id={node_id} path={path} remote={remote}")]
    public static partial void Unavailable(ILogger logger, string node_id, string path, string remote);

    [LoggerMessage(EventId = 1470, EventName = "cluster_to_binary_overflow", Level = LogLevel.Warning,
        Message = "cluster_to_binary_overflow node_id={node_id} server_id={server_id} conn_id={conn_id}")]
    public static partial void ToBinaryOverflow(ILogger logger, string node_id, string server_id, string conn_id);
}
