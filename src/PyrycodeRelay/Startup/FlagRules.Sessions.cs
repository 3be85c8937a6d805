using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Startup;

/// <summary>Step 8, continued: the session and registry limits added by issue 13 (docs/operations.md#abuse-limits-per-session).</summary>
internal static partial class FlagRules
{
    private static BootRefusal? CheckSessionRules(RelayOptions options) =>
        Duration("phone-first-frame-timeout", options.PhoneFirstFrameTimeout, BootLog.InvalidPhoneFirstFrameTimeout)
        ?? Count("max-server-ids", options.MaxServerIds, BootLog.InvalidMaxServerIds)
        ?? Count("server-outbox-bytes", options.ServerOutboxBytes, BootLog.InvalidServerOutboxBytes)
        ?? ServerOutboxCoversMessage(options);

    private static BootRefusal? ServerOutboxCoversMessage(RelayOptions o)
    {
        if (o.ServerOutboxBytes >= (long)o.MaxMessageBytes + 64)
        {
            return null;
        }

        const string Err = "relay: --server-outbox-bytes must be at least --max-message-bytes + 64";
        const string Fix = "raise --server-outbox-bytes or lower --max-message-bytes";
        var v = o.ServerOutboxBytes;
        return Invalid("server-outbox-bytes", Err, v, Fix, l => BootLog.InvalidServerOutboxBytes(l, Err, v, Fix));
    }
}
