using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tls;

/// <summary>
/// ACME certificate source (docs/operations.md#acme): serves a valid cached certificate at once; otherwise, and
/// when less than a third of the lifetime remains, obtains one in the background (started by
/// <see cref="Start"/> once the HTTP listener accepts connections), retrying failures with backoff. A new
/// certificate applies to new handshakes only. The issuance loop is in the partial file.
/// </summary>
internal sealed partial class AcmeCertificateManager : ICertificateSource
{
    private readonly string _domain;
    private readonly string _cacheDir;
    private readonly string? _email;
    private readonly Uri _directoryUrl;
    private readonly HttpClient _http;
    private readonly TlsSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private volatile ServedCertificate? _current;
    private volatile bool _running;
    private Task? _loop;
    private AcmeClient? _client;

    /// <summary>Creates the manager; <paramref name="domain"/> must already be normalized.</summary>
    public AcmeCertificateManager(string domain, string cacheDir, string? email, Uri directoryUrl,
        X509Certificate2Collection extraRoots, TlsSettings settings, TimeProvider time, ILogger logger)
    {
        _domain = domain;
        _cacheDir = cacheDir;
        _email = email;
        _directoryUrl = directoryUrl;
        _settings = settings;
        _time = time;
        _logger = logger;
        _http = AcmeHttpClientFactory.Create(extraRoots, settings.AcmeClient.RequestTimeout);
    }

    /// <summary>The pending http-01 responses, served by the HTTP listener.</summary>
    public Http01ChallengeStore Challenges { get; } = new();

    /// <inheritdoc/>
    public ServedCertificate? Current => _current;

    /// <inheritdoc/>
    public bool IsReady => _current is not null || _running;

    /// <summary>Issuance attempts made so far (tests).</summary>
    public int IssuanceAttempts { get; private set; }

    /// <summary>Orders created at the ACME server so far (tests).</summary>
    public int OrdersCreated => _client?.OrdersCreated ?? 0;

    /// <summary>badNonce rejections absorbed so far (tests).</summary>
    public int BadNonceRetries => _client?.BadNonceRetries ?? 0;

    /// <summary>When the loop last decided the next renewal is due (null until it sleeps on a valid certificate).</summary>
    public DateTimeOffset? ScheduledRenewal { get; private set; }

    /// <summary>Loads a valid cached certificate, if any, so it is served from the first handshake.</summary>
    public bool LoadCache()
    {
        _current = CertCacheFiles.ReadCertificate(_cacheDir, _domain, _time.GetUtcNow());
        return _current is not null;
    }

    /// <inheritdoc/>
    public void Start()
    {
        if (_loop is not null)
        {
            return;
        }

        _running = true;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <inheritdoc/>
    public async Task StopAsync()
    {
        _running = false;
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _http.Dispose();
    }

    /// <summary>One issuance: account key (loaded or created), order, challenges, finalize, cache, swap.</summary>
    public async Task IssueOnceAsync(CancellationToken ct)
    {
        IssuanceAttempts++;
        _client ??= new AcmeClient(_http, _directoryUrl, LoadOrCreateAccountKey(), _settings.AcmeClient,
            _settings.AcmeClientTime ?? TimeProvider.System);
        var issued = await AcmeIssuer.IssueAsync(_client, Challenges, _domain, _email, ct);
        using var key = issued.Key;
        var served = PemCertificateLoader.Load(issued.ChainPem, key.ExportECPrivateKeyPem());
        if (!served.Leaf.MatchesHostname(_domain))
        {
            throw new AcmeException($"acme: issued certificate does not cover {_domain}");
        }

        _current = served;
        TlsLog.AcmeCertificateObtained(_logger, _domain);
        try
        {
            CertCacheFiles.WriteCertificate(_cacheDir, _domain, key, issued.ChainPem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The certificate is in use; only the cache copy is missing. Report it with the issuance event.
            TlsLog.AcmeIssueFailed(_logger, _domain, $"relay: writing cert cache {_cacheDir}: {e.Message}");
        }
    }

    private ECDsa LoadOrCreateAccountKey()
    {
        try
        {
            if (CertCacheFiles.ReadAccountKey(_cacheDir) is { } existing)
            {
                return existing;
            }
        }
        catch (CryptographicException e)
        {
            throw new AcmeException($"relay: reading {CertCacheFiles.AccountKeyName}: {e.Message}", e);
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertCacheFiles.WriteAccountKey(_cacheDir, key);
        return key;
    }
}
