using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Push;

/// <summary>
/// Outcome events of an admitted wake (docs/operations.md#push-outcome-logs, docs/logging.md#data-plane-events). Parameter names equal the wire keys.
/// The <c>push_wake_sent</c> shape without <c>fcm_message_id</c> is the nested <see cref="NoMessageId"/>.
/// EventIds 600–609.
/// </summary>
internal static partial class PushLog
{
    [LoggerMessage(EventId = 600, EventName = "push_wake_sent", Level = LogLevel.Information,
        Message = "push_wake_sent server_id={server_id} token_fp={token_fp} duration={duration} fcm_message_id={fcm_message_id}")]
    public static partial void PushWakeSent(ILogger logger, string server_id, string token_fp, TimeSpan duration, string fcm_message_id);

    [LoggerMessage(EventId = 601, EventName = "push_wake_send_failed", Level = LogLevel.Warning,
        Message = "push_wake_send_failed server_id={server_id} token_fp={token_fp} duration={duration} err={err}")]
    public static partial void PushWakeSendFailed(ILogger logger, string server_id, string token_fp, TimeSpan duration, string err);

    /// <summary>
    /// The <c>push_wake_sent</c> shape used when FCM returned no valid message id (docs/operations.md#push-outcome-logs). Nested
    /// because the logging generator allows one method per event name in a class.
    /// </summary>
    internal static partial class NoMessageId
    {
        [LoggerMessage(EventId = 602, EventName = "push_wake_sent", Level = LogLevel.Information,
            Message = "push_wake_sent server_id={server_id} token_fp={token_fp} duration={duration}")]
        public static partial void PushWakeSent(ILogger logger, string server_id, string token_fp, TimeSpan duration);
    }
}
