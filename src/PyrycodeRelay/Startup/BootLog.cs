using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Boot log events (docs/operations.md#boot-sequence, docs/logging.md#boot-tls-and-shutdown-events). The event name is the message (<c>msg</c>); the template
/// placeholders are the keys, in the documented order. EventIds 100–199. Events sharing a message
/// with a different key set are nested classes (<see cref="Acme"/>, <see cref="StaticCert"/>, <see cref="WithUid"/>).
/// </summary>
internal static partial class BootLog
{
    /// <summary>Insecure mode <c>mode</c> value.</summary>
    public const string ModeInsecure = "insecure";

    /// <summary>TLS mode with ACME <c>mode</c> value.</summary>
    public const string ModeAutocert = "autocert";

    /// <summary>TLS mode with static files <c>mode</c> value.</summary>
    public const string ModeStaticCert = "static-cert";

    [LoggerMessage(EventId = 100, EventName = "starting", Level = LogLevel.Information,
        Message = "starting version={version} mode={mode} listen={listen}")]
    public static partial void Starting(ILogger logger, string version, string mode, string listen);

    [LoggerMessage(EventId = 103, EventName = "starting metrics listener", Level = LogLevel.Information,
        Message = "starting metrics listener listen={listen}")]
    public static partial void StartingMetricsListener(ILogger logger, string listen);

    [LoggerMessage(EventId = 104, EventName = "push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset", Level = LogLevel.Information,
        Message = "push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset")]
    public static partial void PushOff(ILogger logger);

    [LoggerMessage(EventId = 120, EventName = "either --domain (for autocert) or --insecure-listen (for behind-proxy mode) must be set",
        Level = LogLevel.Error,
        Message = "either --domain (for autocert) or --insecure-listen (for behind-proxy mode) must be set")]
    public static partial void NoModeSelected(ILogger logger);

    [LoggerMessage(EventId = 121,
        EventName = "refusing to start: --insecure-listen is mutually exclusive with --http-listen / --https-listen / --https-proxy-protocol",
        Level = LogLevel.Error,
        Message = "refusing to start: --insecure-listen is mutually exclusive with --http-listen / --https-listen / --https-proxy-protocol fix={fix}")]
    public static partial void InsecureExcludesTlsListeners(ILogger logger, string fix);

    [LoggerMessage(EventId = 122,
        EventName = "refusing to start: --insecure-listen is mutually exclusive with TLS and PROXY-protocol flags",
        Level = LogLevel.Error,
        Message = "refusing to start: --insecure-listen is mutually exclusive with TLS and PROXY-protocol flags err={err} fix={fix}")]
    public static partial void InsecureExcludesTlsFlags(ILogger logger, string err, string fix);

    [LoggerMessage(EventId = 123, EventName = "refusing to start: invalid --max-connections", Level = LogLevel.Error,
        Message = "refusing to start: invalid --max-connections err={err} value={value} fix={fix}")]
    public static partial void InvalidMaxConnections(ILogger logger, string err, int value, string fix);

    [LoggerMessage(EventId = 150, EventName = "refusing to start: invalid TLS configuration", Level = LogLevel.Error,
        Message = "refusing to start: invalid TLS configuration err={err} fix={fix}")]
    public static partial void InvalidTlsConfiguration(ILogger logger, string err, string fix);

    [LoggerMessage(EventId = 151, EventName = "refusing to start: invalid env-var config", Level = LogLevel.Error,
        Message = "refusing to start: invalid env-var config err={err} env_var={env_var} reason={reason}")]
    public static partial void InvalidEnvConfig(ILogger logger, string err, string env_var, string reason);

    [LoggerMessage(EventId = 152, EventName = "refusing to start: multi-instance deploy detected", Level = LogLevel.Error,
        Message = "refusing to start: multi-instance deploy detected err={err} bypass_env_var={bypass_env_var} fix={fix}")]
    public static partial void MultiInstanceDetected(ILogger logger, string err, string bypass_env_var, string fix);

    [LoggerMessage(EventId = 153, EventName = "refusing to start: production-mode misconfiguration", Level = LogLevel.Error,
        Message = "refusing to start: production-mode misconfiguration err={err} env_var={env_var} fix={fix}")]
    public static partial void ProductionInsecureListener(ILogger logger, string err, string env_var, string fix);

    [LoggerMessage(EventId = 155, EventName = "refusing to start: unexpected Linux capabilities", Level = LogLevel.Error,
        Message = "refusing to start: unexpected Linux capabilities err={err} fix={fix}")]
    public static partial void UnexpectedCapabilities(ILogger logger, string err, string fix);

    [LoggerMessage(EventId = 156, EventName = "refusing to start: invalid --metrics-listen address", Level = LogLevel.Error,
        Message = "refusing to start: invalid --metrics-listen address err={err} value={value} fix={fix}")]
    public static partial void InvalidMetricsListen(ILogger logger, string err, string value, string fix);

    [LoggerMessage(EventId = 157, EventName = "refusing to start: invalid listener address", Level = LogLevel.Error,
        Message = "refusing to start: invalid listener address err={err} addr={addr}")]
    public static partial void InvalidListenerAddress(ILogger logger, string err, string addr);

    [LoggerMessage(EventId = 158, EventName = "refusing to start: unexpected listener", Level = LogLevel.Error,
        Message = "refusing to start: unexpected listener err={err} unexpected_ports={unexpected_ports} expected_ports={expected_ports}")]
    public static partial void UnexpectedListener(ILogger logger, string err, int[] unexpected_ports, int[] expected_ports);

    [LoggerMessage(EventId = 159, EventName = "refusing to start: cannot build the FCM push sender", Level = LogLevel.Error,
        Message = "refusing to start: cannot build the FCM push sender err={err}")]
    public static partial void CannotBuildPushSender(ILogger logger, string err);
}
