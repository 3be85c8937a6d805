using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tls;

/// <summary>
/// Boot step 20t (docs/operations.md#boot-sequence, docs/operations.md#tls): sets up the certificate source of TLS mode. ACME: the cert-cache
/// directory rules (docs/operations.md#cert-cache-directory), the extra ACME roots, a valid cached certificate. Static: the certificate files
/// (docs/operations.md#static-certificate-files). Failures are logged here (ERROR <c>autocert setup failed</c> / <c>tls setup failed</c>).
/// </summary>
internal static class TlsSetup
{
    /// <summary>Logger category of the TLS events.</summary>
    public const string LoggerCategory = "PyrycodeRelay.Tls";

    /// <summary>Static files when either file flag is set (step 9 guarantees both), else ACME.</summary>
    public static TlsMode ModeFor(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TlsCertFile.Length > 0 || options.TlsKeyFile.Length > 0 ? TlsMode.Static : TlsMode.Acme;
    }

    /// <summary>Runs step 20t. On failure the ERROR line is already written; exit 1.</summary>
    public static TlsSetupResult Create(RelayOptions options, ILoggerFactory loggerFactory, TimeProvider time,
        TlsSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        settings ??= TlsSettings.From(options);
        var logger = loggerFactory.CreateLogger(LoggerCategory);
        return ModeFor(options) == TlsMode.Static
            ? CreateStatic(options, settings, logger, time)
            : CreateAcme(options, settings, logger, time);
    }

    private static TlsSetupResult CreateStatic(RelayOptions options, TlsSettings settings, ILogger logger, TimeProvider time)
    {
        var source = StaticCertificateSource.Create(options.TlsCertFile, options.TlsKeyFile, logger, time,
            settings.StaticReloadInterval, out var error);
        if (source is null)
        {
            TlsLog.TlsSetupFailed(logger, error!);
            return new TlsSetupResult(null, error);
        }

        return new TlsSetupResult(new RelayTls(TlsMode.Static, options.Domain, null, source, settings, time), null);
    }

    private static TlsSetupResult CreateAcme(RelayOptions options, TlsSettings settings, ILogger logger, TimeProvider time)
    {
        X509Certificate2Collection? roots = null;
        Uri? directory = null;
        var error = CertCacheDirectory.Prepare(options.Domain, options.CertCache, logger)
            ?? LoadRoots(options.AcmeCaFile, out roots)
            ?? ParseDirectory(options.AcmeDirectory, out directory);
        if (error is not null)
        {
            TlsLog.AutocertSetupFailed(logger, error);
            return new TlsSetupResult(null, error);
        }

        var manager = new AcmeCertificateManager(DomainName.Normalize(options.Domain), options.CertCache,
            options.AcmeEmail.Length > 0 ? options.AcmeEmail : null, directory!, roots!, settings, time, logger);
        manager.LoadCache();
        return new TlsSetupResult(new RelayTls(TlsMode.Acme, options.Domain, options.CertCache, manager, settings, time),
            null);
    }

    private static string? LoadRoots(string caFile, out X509Certificate2Collection? roots)
    {
        roots = [];
        if (caFile.Length == 0)
        {
            return null;
        }

        try
        {
            roots = AcmeHttpClientFactory.LoadRoots(caFile);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException
            or InvalidDataException)
        {
            return $"relay: reading --acme-ca-file {caFile}: {e.Message}";
        }
    }

    private static string? ParseDirectory(string url, out Uri? directory) =>
        Uri.TryCreate(url, UriKind.Absolute, out directory) ? null : $"relay: invalid --acme-directory {url}";
}
