using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>
/// Events of shapes the relay's other folders log (durations, int lists, booleans, refusals, no keys),
/// declared here so the formatter can be tested against the real source generator output.
/// </summary>
internal static partial class TestEvents
{
    [LoggerMessage(EventId = 9000, EventName = "probe", Level = LogLevel.Information, Message = "probe value={value}")]
    public static partial void Probe(ILogger logger, object? value);

    [LoggerMessage(EventId = 9001, EventName = "push_wake_sent", Level = LogLevel.Information,
        Message = "push_wake_sent server_id={server_id} token_fp={token_fp} duration={duration} fcm_message_id={fcm_message_id}")]
    public static partial void PushWakeSent(ILogger logger, string server_id, string token_fp, TimeSpan duration, string fcm_message_id);

    [LoggerMessage(EventId = 9002, EventName = "refusing to start: unexpected listener", Level = LogLevel.Error,
        Message = "refusing to start: unexpected listener err={err} unexpected_ports={unexpected_ports} expected_ports={expected_ports}")]
    public static partial void UnexpectedListener(ILogger logger, string err, int[] unexpected_ports, IReadOnlyList<int> expected_ports);

    [LoggerMessage(EventId = 9003, EventName = "starting", Level = LogLevel.Information,
        Message = "starting version={version} mode={mode} domain={domain} cert_cache={cert_cache} https_proxy_protocol={https_proxy_protocol}")]
    public static partial void StartingTls(ILogger logger, string version, string mode, string domain, string cert_cache, bool https_proxy_protocol);

    [LoggerMessage(EventId = 9004, EventName = "refusing to start: invalid --max-connections", Level = LogLevel.Error,
        Message = "refusing to start: invalid --max-connections err={err} value={value} fix={fix}")]
    public static partial void InvalidMaxConnections(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 9005, EventName = "shutdown complete", Level = LogLevel.Information, Message = "shutdown complete")]
    public static partial void ShutdownComplete(ILogger logger);

    [LoggerMessage(EventId = 9006, EventName = "seven", Level = LogLevel.Warning,
        Message = "seven server_id={server_id} conn_id={conn_id} binary_conn_id={binary_conn_id} device_name={device_name} remote={remote} close_code={close_code} err={err}")]
    public static partial void Seven(
        ILogger logger, string server_id, string conn_id, string binary_conn_id, string device_name, string remote, int close_code, string err);

    [LoggerMessage(EventId = 9007, EventName = "probe_level", Message = "probe_level")]
    public static partial void ProbeLevel(ILogger logger, LogLevel level);

    [LoggerMessage(EventId = 9008, EventName = "probe_exception", Level = LogLevel.Error, Message = "probe_exception addr={addr}")]
    public static partial void ProbeException(ILogger logger, string addr, Exception exception);
}
