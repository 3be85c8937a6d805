using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tls;

/// <summary>
/// Static certificate files (docs/operations.md#static-certificate-files): loaded at boot, then polled every interval on the
/// <see cref="TimeProvider"/>; a change of modification time or size of either file triggers a reload. A pair
/// that loads and matches replaces the current one for new handshakes (INFO <c>tls_cert_reloaded</c>); one that
/// fails keeps the previous certificate (WARN <c>tls_cert_reload_failed</c>). Each change is tried once.
/// </summary>
internal sealed class StaticCertificateSource : ICertificateSource
{
    private readonly string _certPath;
    private readonly string _keyPath;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Lock _pollLock = new();
    private volatile ServedCertificate _current;
    private (long, long, long, long) _stamp;
    private ITimer? _timer;

    private StaticCertificateSource(string certPath, string keyPath, ServedCertificate first, (long, long, long, long) stamp,
        ILogger logger, TimeProvider time, TimeSpan interval)
    {
        _certPath = certPath;
        _keyPath = keyPath;
        _current = first;
        _stamp = stamp;
        _logger = logger;
        _time = time;
        _interval = interval;
    }

    /// <inheritdoc/>
    public ServedCertificate? Current => _current;

    /// <inheritdoc/>
    public bool IsReady => true;

    /// <summary>Loads the pair at boot; returns null and the <c>tls setup failed</c> error text on failure.</summary>
    public static StaticCertificateSource? Create(string certPath, string keyPath, ILogger logger, TimeProvider time,
        TimeSpan interval, out string? error)
    {
        var stamp = Stamp(certPath, keyPath);
        var loaded = TryLoad(certPath, keyPath, out error);
        return loaded is null ? null : new StaticCertificateSource(certPath, keyPath, loaded, stamp, logger, time, interval);
    }

    /// <inheritdoc/>
    public void Start() => _timer ??= _time.CreateTimer(_ => Poll(), null, _interval, _interval);

    /// <summary>One poll: reload when either file's modification time or size changed since the last look.</summary>
    public void Poll()
    {
        lock (_pollLock)
        {
            var stamp = Stamp(_certPath, _keyPath);
            if (stamp == _stamp)
            {
                return;
            }

            _stamp = stamp;
            var loaded = TryLoad(_certPath, _keyPath, out var error);
            if (loaded is null)
            {
                TlsLog.TlsCertReloadFailed(_logger, _certPath, error!);
                return;
            }

            _current = loaded;
            TlsLog.TlsCertReloaded(_logger, _certPath);
        }
    }

    /// <inheritdoc/>
    public Task StopAsync()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _timer?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ServedCertificate? TryLoad(string certPath, string keyPath, out string? error)
    {
        error = null;
        try
        {
            return PemCertificateLoader.Load(File.ReadAllText(certPath), File.ReadAllText(keyPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException
            or ArgumentException)
        {
            error = $"relay: loading TLS key pair ({certPath}, {keyPath}): {e.Message}";
            return null;
        }
    }

    private static (long, long, long, long) Stamp(string certPath, string keyPath)
    {
        var cert = new FileInfo(certPath);
        var key = new FileInfo(keyPath);
        return (cert.Exists ? cert.LastWriteTimeUtc.Ticks : 0, cert.Exists ? cert.Length : -1,
            key.Exists ? key.LastWriteTimeUtc.Ticks : 0, key.Exists ? key.Length : -1);
    }
}
