using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// Data-plane log events (docs/logging.md#data-plane-events). The event name is the message (<c>msg</c>); the template
/// placeholders are the keys, in the documented order. Parameter names equal the wire keys on purpose.
/// EventIds: 2xx registry, 3xx phone side, 4xx binary side, 5xx admission (see docs/operations.md).
/// </summary>
internal static partial class RelayLog
{
    [LoggerMessage(EventId = 200, EventName = "server_claimed", Level = LogLevel.Information,
        Message = "server_claimed server_id={server_id} binary_version={binary_version} remote={remote}")]
    public static partial void ServerClaimed(ILogger logger, string server_id, string binary_version, string remote);

    [LoggerMessage(EventId = 201, EventName = "server_id_conflict", Level = LogLevel.Information,
        Message = "server_id_conflict server_id={server_id} remote={remote}")]
    public static partial void ServerIdConflict(ILogger logger, string server_id, string remote);

    [LoggerMessage(EventId = 202, EventName = "server_id_takeover", Level = LogLevel.Information,
        Message = "server_id_takeover server_id={server_id} remote={remote}")]
    public static partial void ServerIdTakeover(ILogger logger, string server_id, string remote);

    [LoggerMessage(EventId = 203, EventName = "server_released", Level = LogLevel.Information,
        Message = "server_released server_id={server_id}")]
    public static partial void ServerReleased(ILogger logger, string server_id);

    [LoggerMessage(EventId = 204, EventName = "server_grace_expired", Level = LogLevel.Information,
        Message = "server_grace_expired server_id={server_id}")]
    public static partial void ServerGraceExpired(ILogger logger, string server_id);

    [LoggerMessage(EventId = 210, EventName = "phone_registered", Level = LogLevel.Information,
        Message = "phone_registered server_id={server_id} conn_id={conn_id} device_name={device_name} remote={remote}")]
    public static partial void PhoneRegistered(ILogger logger, string server_id, string conn_id, string device_name, string remote);

    [LoggerMessage(EventId = 211, EventName = "phone_register_no_server", Level = LogLevel.Information,
        Message = "phone_register_no_server server_id={server_id} remote={remote}")]
    public static partial void PhoneRegisterNoServer(ILogger logger, string server_id, string remote);

    [LoggerMessage(EventId = 212, EventName = "phone_register_at_cap", Level = LogLevel.Information,
        Message = "phone_register_at_cap server_id={server_id} remote={remote}")]
    public static partial void PhoneRegisterAtCap(ILogger logger, string server_id, string remote);

    [LoggerMessage(EventId = 213, EventName = "phone_unregistered", Level = LogLevel.Information,
        Message = "phone_unregistered server_id={server_id} conn_id={conn_id}")]
    public static partial void PhoneUnregistered(ILogger logger, string server_id, string conn_id);

    [LoggerMessage(EventId = 300, EventName = "phone_close_notice_send_failed", Level = LogLevel.Information,
        Message = "phone_close_notice_send_failed server_id={server_id} conn_id={conn_id} close_code={close_code} err={err}")]
    public static partial void PhoneCloseNoticeSendFailed(ILogger logger, string server_id, string conn_id, int close_code, string err);

    [LoggerMessage(EventId = 301, EventName = "phone_forwarder_read_end", Level = LogLevel.Information,
        Message = "phone_forwarder_read_end server_id={server_id} conn_id={conn_id} err={err}")]
    public static partial void PhoneForwarderReadEnd(ILogger logger, string server_id, string conn_id, string err);

    [LoggerMessage(EventId = 302, EventName = "phone_forwarder_marshal_err", Level = LogLevel.Warning,
        Message = "phone_forwarder_marshal_err server_id={server_id} conn_id={conn_id} err={err}")]
    public static partial void PhoneForwarderMarshalErr(ILogger logger, string server_id, string conn_id, string err);

    [LoggerMessage(EventId = 303, EventName = "phone_forwarder_no_binary", Level = LogLevel.Information,
        Message = "phone_forwarder_no_binary server_id={server_id} conn_id={conn_id}")]
    public static partial void PhoneForwarderNoBinary(ILogger logger, string server_id, string conn_id);

    [LoggerMessage(EventId = 304, EventName = "phone_forwarder_send_failed", Level = LogLevel.Information,
        Message = "phone_forwarder_send_failed server_id={server_id} conn_id={conn_id} err={err}")]
    public static partial void PhoneForwarderSendFailed(ILogger logger, string server_id, string conn_id, string err);

    [LoggerMessage(EventId = 400, EventName = "binary_forwarder_read_end", Level = LogLevel.Information,
        Message = "binary_forwarder_read_end server_id={server_id} binary_conn_id={binary_conn_id} err={err}")]
    public static partial void BinaryForwarderReadEnd(ILogger logger, string server_id, string binary_conn_id, string err);

    [LoggerMessage(EventId = 401, EventName = "binary_forwarder_unmarshal_err", Level = LogLevel.Warning,
        Message = "binary_forwarder_unmarshal_err server_id={server_id} binary_conn_id={binary_conn_id} err={err}")]
    public static partial void BinaryForwarderUnmarshalErr(ILogger logger, string server_id, string binary_conn_id, string err);

    [LoggerMessage(EventId = 402, EventName = "binary_forwarder_push_wake_dropped", Level = LogLevel.Warning,
        Message = "binary_forwarder_push_wake_dropped server_id={server_id} binary_conn_id={binary_conn_id} err={err}")]
    public static partial void BinaryForwarderPushWakeDropped(ILogger logger, string server_id, string binary_conn_id, string err);

    [LoggerMessage(EventId = 403, EventName = "binary_forwarder_unknown_conn_id", Level = LogLevel.Warning,
        Message = "binary_forwarder_unknown_conn_id server_id={server_id} conn_id={conn_id}")]
    public static partial void BinaryForwarderUnknownConnId(ILogger logger, string server_id, string conn_id);

    [LoggerMessage(EventId = 404, EventName = "binary_forwarder_invalid_close_code", Level = LogLevel.Warning,
        Message = "binary_forwarder_invalid_close_code server_id={server_id} conn_id={conn_id} close_code={close_code}")]
    public static partial void BinaryForwarderInvalidCloseCode(ILogger logger, string server_id, string conn_id, int close_code);

    [LoggerMessage(EventId = 405, EventName = "binary_forwarder_phone_enqueue_failed", Level = LogLevel.Information,
        Message = "binary_forwarder_phone_enqueue_failed server_id={server_id} conn_id={conn_id} err={err}")]
    public static partial void BinaryForwarderPhoneEnqueueFailed(ILogger logger, string server_id, string conn_id, string err);

    [LoggerMessage(EventId = 406, EventName = "binary_forwarder_phone_send_failed", Level = LogLevel.Information,
        Message = "binary_forwarder_phone_send_failed server_id={server_id} conn_id={conn_id} err={err}")]
    public static partial void BinaryForwarderPhoneSendFailed(ILogger logger, string server_id, string conn_id, string err);

    [LoggerMessage(EventId = 407, EventName = "binary_forwarder_close_frame_send_failed", Level = LogLevel.Information,
        Message = "binary_forwarder_close_frame_send_failed server_id={server_id} conn_id={conn_id} close_code={close_code} err={err}")]
    public static partial void BinaryForwarderCloseFrameSendFailed(ILogger logger, string server_id, string conn_id, int close_code, string err);

    [LoggerMessage(EventId = 408, EventName = "binary_forwarder_phone_closed", Level = LogLevel.Information,
        Message = "binary_forwarder_phone_closed server_id={server_id} conn_id={conn_id} close_code={close_code}")]
    public static partial void BinaryForwarderPhoneClosed(ILogger logger, string server_id, string conn_id, int close_code);

    [LoggerMessage(EventId = 500, EventName = "rate_limited", Level = LogLevel.Warning,
        Message = "rate_limited remote={remote}")]
    public static partial void RateLimited(ILogger logger, string remote);

    [LoggerMessage(EventId = 501, EventName = "conn_cap_reached", Level = LogLevel.Warning,
        Message = "conn_cap_reached path={path} remote={remote}")]
    public static partial void ConnCapReached(ILogger logger, string path, string remote);
}
