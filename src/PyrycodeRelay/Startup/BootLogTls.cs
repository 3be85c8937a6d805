using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>The TLS (ACME) shape of INFO <c>starting</c> (step 22t).</summary>
internal static partial class BootLogTls
{
    [LoggerMessage(EventId = 101, EventName = "starting", Level = LogLevel.Information,
        Message = "starting version={version} mode={mode} domain={domain} cert_cache={cert_cache} https_proxy_protocol={https_proxy_protocol}")]
    public static partial void Starting(ILogger logger, string version, string mode, string domain, string cert_cache, bool https_proxy_protocol);
}
