using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>Data-plane events added by issue 13 (EventIds 960–999; docs/logging.md).</summary>
internal static partial class RelayLog
{
    [LoggerMessage(EventId = 960, EventName = "phone_first_frame_timeout", Level = LogLevel.Information,
        Message = "phone_first_frame_timeout server_id={server_id} conn_id={conn_id}")]
    public static partial void PhoneFirstFrameTimeout(ILogger logger, string server_id, string conn_id);
}
