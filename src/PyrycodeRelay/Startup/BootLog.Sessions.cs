using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>Step 8 refusals for the session and registry limits of issue 13 (EventIds 950–959).</summary>
internal static partial class BootLog
{
    [LoggerMessage(EventId = 950, EventName = "refusing to start: invalid --phone-first-frame-timeout", Level = LogLevel.Error,
        Message = "refusing to start: invalid --phone-first-frame-timeout err={err} value={value} fix={fix}")]
    public static partial void InvalidPhoneFirstFrameTimeout(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 951, EventName = "refusing to start: invalid --max-server-ids", Level = LogLevel.Error,
        Message = "refusing to start: invalid --max-server-ids err={err} value={value} fix={fix}")]
    public static partial void InvalidMaxServerIds(ILogger logger, string err, long value, string fix);

    [LoggerMessage(EventId = 952, EventName = "refusing to start: invalid --server-outbox-bytes", Level = LogLevel.Error,
        Message = "refusing to start: invalid --server-outbox-bytes err={err} value={value} fix={fix}")]
    public static partial void InvalidServerOutboxBytes(ILogger logger, string err, long value, string fix);
}
