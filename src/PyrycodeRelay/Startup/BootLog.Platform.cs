using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Step 14 on other operating systems: INFO <c>skipping linux-only capability check on &lt;os&gt;</c>.
/// The os is part of the message (no key), so there is one event per known os name.
/// </summary>
internal static partial class BootLog
{
    /// <summary>Logs the skip line for <paramref name="os"/> (Go <c>GOOS</c> spelling); unknown names log <c>unknown</c>.</summary>
    public static void SkippingCapabilityCheck(ILogger logger, string os)
    {
        switch (os)
        {
            case "windows": SkippingCapabilityCheckWindows(logger); break;
            case "darwin": SkippingCapabilityCheckDarwin(logger); break;
            case "freebsd": SkippingCapabilityCheckFreeBsd(logger); break;
            case "android": SkippingCapabilityCheckAndroid(logger); break;
            case "ios": SkippingCapabilityCheckIos(logger); break;
            case "illumos": SkippingCapabilityCheckIllumos(logger); break;
            case "solaris": SkippingCapabilityCheckSolaris(logger); break;
            default: SkippingCapabilityCheckUnknown(logger); break;
        }
    }

    [LoggerMessage(EventId = 105, EventName = "skipping linux-only capability check on windows", Level = LogLevel.Information,
        Message = "skipping linux-only capability check on windows")]
    private static partial void SkippingCapabilityCheckWindows(ILogger logger);

    [LoggerMessage(EventId = 106, EventName = "skipping linux-only capability check on darwin", Level = LogLevel.Information,
        Message = "skipping linux-only capability check on darwin")]
    private static partial void SkippingCapabilityCheckDarwin(ILogger logger);

    [LoggerMessage(EventId = 107, EventName = "skipping linux-only capability check on freebsd", Level = LogLevel.Information,
        Message = "skipping linux-only capability check on freebsd")]
    private static partial void SkippingCapabilityCheckFreeBsd(ILogger logger);

    [LoggerMessage(EventId = 108, EventName = "skipping linux-only capability check on android", Level = LogLevel.Information,
        Message = "skipping linux-only capability check on android")]
    private static partial void SkippingCapabilityCheckAndroid(ILogger logger);

    [LoggerMessage(EventId = 109, EventName = "skipping linux-only capability check on ios", Level = LogLevel.Information,
        Message = "skipping linux-only capability check on ios")]
    private static partial void SkippingCapabilityCheckIos(ILogger logger);

    [LoggerMessage(EventId = 110, EventName = "skipping linux-only capability check on illumos", Level = LogLevel.Information,
        Message = "skipping linux-only capability check on illumos")]
    private static partial void SkippingCapabilityCheckIllumos(ILogger logger);

    [LoggerMessage(EventId = 111, EventName = "skipping linux-only capability check on solaris", Level = LogLevel.Information,
        Message = "skipping linux-only capability check on solaris")]
    private static partial void SkippingCapabilityCheckSolaris(ILogger logger);

    [LoggerMessage(EventId = 112, EventName = "skipping linux-only capability check on unknown", Level = LogLevel.Information,
        Message = "skipping linux-only capability check on unknown")]
    private static partial void SkippingCapabilityCheckUnknown(ILogger logger);
}
