using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>Boot refusals of the operator flags (issue 15; docs/operations.md#boot-sequence). EventIds 1010–1029.</summary>
internal static partial class OperatorBootLog
{
    [LoggerMessage(EventId = 1010, EventName = "refusing to start: invalid --log-level", Level = LogLevel.Error,
        Message = "refusing to start: invalid --log-level err={err} value={value} fix={fix}")]
    public static partial void InvalidLogLevel(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 1011, EventName = "refusing to start: invalid --shutdown-delay", Level = LogLevel.Error,
        Message = "refusing to start: invalid --shutdown-delay err={err} value={value} fix={fix}")]
    public static partial void InvalidShutdownDelay(ILogger logger, string err, string value, string fix);
}
