using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>Data-plane events added by issue 13 (EventIds 960–999; docs/logging.md).</summary>
internal static partial class RelayLog
{
    [LoggerMessage(EventId = 960, EventName = "phone_first_frame_timeout", Level = LogLevel.Information,
        Message = "phone_first_frame_timeout server_id={server_id} conn_id={conn_id}")]
    public static partial void PhoneFirstFrameTimeout(ILogger logger, string server_id, string conn_id);

    [LoggerMessage(EventId = 961, EventName = "server_grace_cut_short", Level = LogLevel.Information,
        Message = "server_grace_cut_short server_id={server_id}")]
    public static partial void ServerGraceCutShort(ILogger logger, string server_id);

    [LoggerMessage(EventId = 962, EventName = "server_ids_at_cap", Level = LogLevel.Warning,
        Message = "server_ids_at_cap server_id={server_id} remote={remote}")]
    public static partial void ServerIdsAtCap(ILogger logger, string server_id, string remote);

    [LoggerMessage(EventId = 963, EventName = "server_key_mismatch", Level = LogLevel.Warning,
        Message = "server_key_mismatch server_id={server_id} remote={remote} source_fp={source_fp}")]
    public static partial void ServerKeyMismatch(ILogger logger, string server_id, string remote, string source_fp);

    [LoggerMessage(EventId = 964, EventName = "server_id_source_changed", Level = LogLevel.Warning,
        Message = "server_id_source_changed server_id={server_id} reason={reason} from={from} to={to}")]
    public static partial void ServerIdSourceChanged(ILogger logger, string server_id, string reason, string from, string to);

    [LoggerMessage(EventId = 965, EventName = "phone_shed_fair_share", Level = LogLevel.Warning,
        Message = "phone_shed_fair_share server_id={server_id} conn_id={conn_id}")]
    public static partial void PhoneShedFairShare(ILogger logger, string server_id, string conn_id);

    [LoggerMessage(EventId = 966, EventName = "log_lines_dropped", Level = LogLevel.Warning,
        Message = "log_lines_dropped value={value}")]
    public static partial void LogLinesDropped(ILogger logger, long value);

    [LoggerMessage(EventId = 967, EventName = "log_events_suppressed", Level = LogLevel.Warning,
        Message = "log_events_suppressed server_id={server_id} binary_conn_id={binary_conn_id} value={value}")]
    public static partial void LogEventsSuppressed(ILogger logger, string server_id, string binary_conn_id, long value);
}
