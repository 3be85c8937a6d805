using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tls;

/// <summary>
/// TLS log events (docs/logging.md#boot-tls-and-shutdown-events). The event name is the message (<c>msg</c>); the template
/// placeholders are the keys in the documented order; parameter names equal the wire keys. EventIds 700–719.
/// </summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 700, EventName = "tightened cert cache dir perms", Level = LogLevel.Information,
        Message = "tightened cert cache dir perms path={path} from={from} to={to}")]
    public static partial void TightenedCertCacheDirPerms(ILogger logger, string path, string from, string to);

    [LoggerMessage(EventId = 701, EventName = "acme_certificate_obtained", Level = LogLevel.Information,
        Message = "acme_certificate_obtained domain={domain}")]
    public static partial void AcmeCertificateObtained(ILogger logger, string domain);

    [LoggerMessage(EventId = 702, EventName = "acme_issue_failed", Level = LogLevel.Warning,
        Message = "acme_issue_failed domain={domain} err={err}")]
    public static partial void AcmeIssueFailed(ILogger logger, string domain, string err);

    [LoggerMessage(EventId = 703, EventName = "tls_cert_reloaded", Level = LogLevel.Information,
        Message = "tls_cert_reloaded path={path}")]
    public static partial void TlsCertReloaded(ILogger logger, string path);

    [LoggerMessage(EventId = 704, EventName = "tls_cert_reload_failed", Level = LogLevel.Warning,
        Message = "tls_cert_reload_failed path={path} err={err}")]
    public static partial void TlsCertReloadFailed(ILogger logger, string path, string err);

    [LoggerMessage(EventId = 705, EventName = "autocert setup failed", Level = LogLevel.Error,
        Message = "autocert setup failed err={err}")]
    public static partial void AutocertSetupFailed(ILogger logger, string err);

    [LoggerMessage(EventId = 706, EventName = "tls setup failed", Level = LogLevel.Error,
        Message = "tls setup failed err={err}")]
    public static partial void TlsSetupFailed(ILogger logger, string err);
}
