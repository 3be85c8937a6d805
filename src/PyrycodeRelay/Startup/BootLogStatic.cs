using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>The TLS (static certificate files) shape of INFO <c>starting</c> (step 22t): no <c>cert_cache</c>.</summary>
internal static partial class BootLogStatic
{
    [LoggerMessage(EventId = 102, EventName = "starting", Level = LogLevel.Information,
        Message = "starting version={version} mode={mode} domain={domain} https_proxy_protocol={https_proxy_protocol}")]
    public static partial void Starting(ILogger logger, string version, string mode, string domain, bool https_proxy_protocol);
}
