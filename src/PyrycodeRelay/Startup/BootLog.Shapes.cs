using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Events that share a message with an event of <see cref="BootLog"/> but carry other keys. The logging
/// generator allows one method per event name in a class, so each shape is a nested class.
/// </summary>
internal static partial class BootLog
{
    /// <summary>The TLS (ACME) shape of INFO <c>starting</c> (step 22t).</summary>
    internal static partial class Acme
    {
        [LoggerMessage(EventId = 101, EventName = "starting", Level = LogLevel.Information,
            Message = "starting version={version} mode={mode} domain={domain} cert_cache={cert_cache} https_proxy_protocol={https_proxy_protocol}")]
        public static partial void Starting(ILogger logger, string version, string mode, string domain, string cert_cache, bool https_proxy_protocol);
    }

    /// <summary>The TLS (static certificate files) shape of INFO <c>starting</c> (step 22t): no <c>cert_cache</c>.</summary>
    internal static partial class StaticCert
    {
        [LoggerMessage(EventId = 102, EventName = "starting", Level = LogLevel.Information,
            Message = "starting version={version} mode={mode} domain={domain} https_proxy_protocol={https_proxy_protocol}")]
        public static partial void Starting(ILogger logger, string version, string mode, string domain, bool https_proxy_protocol);
    }

    /// <summary>The running-as-root shape of ERROR <c>refusing to start: production-mode misconfiguration</c> (step 13).</summary>
    internal static partial class WithUid
    {
        [LoggerMessage(EventId = 154, EventName = "refusing to start: production-mode misconfiguration", Level = LogLevel.Error,
            Message = "refusing to start: production-mode misconfiguration err={err} env_var={env_var} effective_uid={effective_uid} fix={fix}")]
        public static partial void ProductionRunningAsRoot(ILogger logger, string err, string env_var, int effective_uid, string fix);
    }
}
