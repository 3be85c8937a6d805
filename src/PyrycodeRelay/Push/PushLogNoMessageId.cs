using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Push;

/// <summary>The <c>push_wake_sent</c> shape used when FCM returned no valid message id (operations.md §17.6).</summary>
internal static partial class PushLogNoMessageId
{
    [LoggerMessage(EventId = 602, EventName = "push_wake_sent", Level = LogLevel.Information,
        Message = "push_wake_sent server_id={server_id} token_fp={token_fp} duration={duration}")]
    public static partial void PushWakeSent(ILogger logger, string server_id, string token_fp, TimeSpan duration);
}
