using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Startup;

/// <summary>Step 8, continued: the session and registry limits added by issue 13 (docs/operations.md#abuse-limits-per-session).</summary>
internal static partial class FlagRules
{
    private static BootRefusal? CheckSessionRules(RelayOptions options) =>
        Duration("phone-first-frame-timeout", options.PhoneFirstFrameTimeout, BootLog.InvalidPhoneFirstFrameTimeout)
        ?? Count("max-server-ids", options.MaxServerIds, BootLog.InvalidMaxServerIds);
}
