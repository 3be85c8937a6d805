using PyrycodeRelay.GoCompat;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>The operator flags' value rules (issue 15): <c>--log-level</c> (boot step 3) and <c>--shutdown-delay</c> (step 8).</summary>
internal static partial class FlagRules
{
    /// <summary>Step 3: <c>--log-level</c> must be exactly <c>debug</c>, <c>info</c>, <c>warn</c> or <c>error</c>.</summary>
    public static BootRefusal? CheckLogLevel(Configuration.RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var v = options.LogLevel;
        if (RelayLogging.TryParseLevel(v, out _))
        {
            return null;
        }

        var err = "relay: --log-level must be debug, info, warn or error, got " + GoQuote.Quote(v);
        const string Fix = "pass --log-level=debug, info, warn or error, or omit the flag for info";
        return Invalid("log-level", err, v, Fix, l => OperatorBootLog.InvalidLogLevel(l, err, v, Fix));
    }

    /// <summary>Step 8: <c>--shutdown-delay</c> must not be negative (0 disables it).</summary>
    public static BootRefusal? CheckShutdownDelay(Configuration.RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ShutdownDelay >= TimeSpan.Zero)
        {
            return null;
        }

        var text = GoDuration.Format(options.ShutdownDelay);
        var err = "relay: --shutdown-delay must not be negative, got " + text;
        const string Fix = "pass a duration such as 5s, or 0 (the default) for no delay";
        return Invalid("shutdown-delay", err, text, Fix, l => OperatorBootLog.InvalidShutdownDelay(l, err, text, Fix));
    }
}
