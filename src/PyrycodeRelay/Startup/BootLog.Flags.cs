using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>Step 3 and step 8 refusals: <c>refusing to start: invalid --&lt;flag&gt;</c> (err, value, fix), one event per flag.</summary>
internal static partial class BootLog
{
    [LoggerMessage(EventId = 124, EventName = "refusing to start: invalid --grace-period", Level = LogLevel.Error,
        Message = "refusing to start: invalid --grace-period err={err} value={value} fix={fix}")]
    public static partial void InvalidGracePeriod(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 125, EventName = "refusing to start: invalid --heartbeat-interval", Level = LogLevel.Error,
        Message = "refusing to start: invalid --heartbeat-interval err={err} value={value} fix={fix}")]
    public static partial void InvalidHeartbeatInterval(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 126, EventName = "refusing to start: invalid --heartbeat-timeout", Level = LogLevel.Error,
        Message = "refusing to start: invalid --heartbeat-timeout err={err} value={value} fix={fix}")]
    public static partial void InvalidHeartbeatTimeout(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 127, EventName = "refusing to start: invalid --conflict-probe-timeout", Level = LogLevel.Error,
        Message = "refusing to start: invalid --conflict-probe-timeout err={err} value={value} fix={fix}")]
    public static partial void InvalidConflictProbeTimeout(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 128, EventName = "refusing to start: invalid --max-message-bytes", Level = LogLevel.Error,
        Message = "refusing to start: invalid --max-message-bytes err={err} value={value} fix={fix}")]
    public static partial void InvalidMaxMessageBytes(ILogger logger, string err, long value, string fix);

    [LoggerMessage(EventId = 129, EventName = "refusing to start: invalid --message-read-timeout", Level = LogLevel.Error,
        Message = "refusing to start: invalid --message-read-timeout err={err} value={value} fix={fix}")]
    public static partial void InvalidMessageReadTimeout(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 130, EventName = "refusing to start: invalid --write-timeout", Level = LogLevel.Error,
        Message = "refusing to start: invalid --write-timeout err={err} value={value} fix={fix}")]
    public static partial void InvalidWriteTimeout(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 131, EventName = "refusing to start: invalid --phones-per-server", Level = LogLevel.Error,
        Message = "refusing to start: invalid --phones-per-server err={err} value={value} fix={fix}")]
    public static partial void InvalidPhonesPerServer(ILogger logger, string err, long value, string fix);

    [LoggerMessage(EventId = 132, EventName = "refusing to start: invalid --phone-outbox-bytes", Level = LogLevel.Error,
        Message = "refusing to start: invalid --phone-outbox-bytes err={err} value={value} fix={fix}")]
    public static partial void InvalidPhoneOutboxBytes(ILogger logger, string err, long value, string fix);

    [LoggerMessage(EventId = 133, EventName = "refusing to start: invalid --outbox-budget-bytes", Level = LogLevel.Error,
        Message = "refusing to start: invalid --outbox-budget-bytes err={err} value={value} fix={fix}")]
    public static partial void InvalidOutboxBudgetBytes(ILogger logger, string err, long value, string fix);

    [LoggerMessage(EventId = 134, EventName = "refusing to start: invalid --rate-limit-burst", Level = LogLevel.Error,
        Message = "refusing to start: invalid --rate-limit-burst err={err} value={value} fix={fix}")]
    public static partial void InvalidRateLimitBurst(ILogger logger, string err, long value, string fix);

    [LoggerMessage(EventId = 135, EventName = "refusing to start: invalid --rate-limit-refill", Level = LogLevel.Error,
        Message = "refusing to start: invalid --rate-limit-refill err={err} value={value} fix={fix}")]
    public static partial void InvalidRateLimitRefill(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 136, EventName = "refusing to start: invalid --drain-timeout", Level = LogLevel.Error,
        Message = "refusing to start: invalid --drain-timeout err={err} value={value} fix={fix}")]
    public static partial void InvalidDrainTimeout(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 137, EventName = "refusing to start: invalid --log-format", Level = LogLevel.Error,
        Message = "refusing to start: invalid --log-format err={err} value={value} fix={fix}")]
    public static partial void InvalidLogFormat(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 138, EventName = "refusing to start: invalid --proxy-protocol-trusted-cidrs", Level = LogLevel.Error,
        Message = "refusing to start: invalid --proxy-protocol-trusted-cidrs err={err} value={value} fix={fix}")]
    public static partial void InvalidProxyProtocolTrustedCidrs(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 139, EventName = "refusing to start: invalid --acme-directory", Level = LogLevel.Error,
        Message = "refusing to start: invalid --acme-directory err={err} value={value} fix={fix}")]
    public static partial void InvalidAcmeDirectory(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 140, EventName = "refusing to start: invalid --fcm-project-id", Level = LogLevel.Error,
        Message = "refusing to start: invalid --fcm-project-id err={err} value={value} fix={fix}")]
    public static partial void InvalidFcmProjectId(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 141, EventName = "refusing to start: invalid --fcm-base-url", Level = LogLevel.Error,
        Message = "refusing to start: invalid --fcm-base-url err={err} value={value} fix={fix}")]
    public static partial void InvalidFcmBaseUrl(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 142, EventName = "refusing to start: invalid --fcm-token-url", Level = LogLevel.Error,
        Message = "refusing to start: invalid --fcm-token-url err={err} value={value} fix={fix}")]
    public static partial void InvalidFcmTokenUrl(ILogger logger, string err, string value, string fix);
}
