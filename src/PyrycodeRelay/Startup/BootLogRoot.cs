using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>The root shape of ERROR <c>refusing to start: production-mode misconfiguration</c> (step 13).</summary>
internal static partial class BootLogRoot
{
    [LoggerMessage(EventId = 154, EventName = "refusing to start: production-mode misconfiguration", Level = LogLevel.Error,
        Message = "refusing to start: production-mode misconfiguration err={err} env_var={env_var} effective_uid={effective_uid} fix={fix}")]
    public static partial void ProductionRunningAsRoot(ILogger logger, string err, string env_var, int effective_uid, string fix);
}
