using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace PyrycodeRelay.Tls;

/// <summary>
/// The TLS front end of TLS mode, built by <see cref="TlsSetup.Create"/>: everything the hosting code wires
/// into Kestrel. Call <see cref="Start"/> once the listeners accept connections (ACME issuance needs the HTTP
/// listener) and <see cref="StopAsync"/> at shutdown.
/// </summary>
internal sealed class RelayTls : IAsyncDisposable
{
    private readonly ICertificateSource _source;
    private readonly TlsHandshakePolicy _policy;
    private readonly PlaintextHttpGuard _guard;
    private readonly HttpChallengeListener _httpListener;

    internal RelayTls(TlsMode mode, string domain, string? certCache, ICertificateSource source, TlsSettings settings,
        TimeProvider time)
    {
        Mode = mode;
        Domain = domain;
        CertCache = certCache;
        _source = source;
        _policy = new TlsHandshakePolicy(domain, source, settings.HandshakeTimeout);
        _guard = new PlaintextHttpGuard(settings.HandshakeTimeout, time);
        _httpListener = new HttpChallengeListener((source as AcmeCertificateManager)?.Challenges);
        HostGate = Tls.HostGate.Middleware(domain);
    }

    /// <summary>ACME or static files.</summary>
    public TlsMode Mode { get; }

    /// <summary>The <c>mode</c> value of the <c>starting</c> log line: <c>autocert</c> or <c>static-cert</c>.</summary>
    public string ModeName => Mode == TlsMode.Acme ? "autocert" : "static-cert";

    /// <summary><c>--domain</c> as given.</summary>
    public string Domain { get; }

    /// <summary>The cache directory (ACME only; null with static files).</summary>
    public string? CertCache { get; }

    /// <summary>
    /// Kestrel TLS options: <c>listenOptions.UseHttps(tls.HandshakeOptions)</c>. Implements the SNI policy,
    /// TLS 1.2+1.3, ALPN <c>http/1.1</c>, the 5 s handshake timeout, and certificate hot-swapping.
    /// </summary>
    public TlsHandshakeCallbackOptions HandshakeOptions => _policy.CallbackOptions;

    /// <summary>
    /// The Host gate for the TLS listener's app: <c>app.Use(tls.HostGate)</c> as the very first middleware.
    /// </summary>
    public Func<RequestDelegate, RequestDelegate> HostGate { get; }

    /// <summary>The whole application of the <c>--http-listen</c> listener (ACME challenges, else 404).</summary>
    public RequestDelegate HttpListenerApp => _httpListener.HandleAsync;

    /// <summary>Readiness contribution (docs/protocol.md#health-and-readiness): a certificate is available or being obtained.</summary>
    public bool IsReady => _source.IsReady;

    /// <summary>True once a certificate exists (handshakes can succeed).</summary>
    public bool HasCertificate => _source.Current is not null;

    /// <summary>
    /// Connection middleware answering plaintext HTTP on the TLS port with <c>HTTP/1.0 400</c>:
    /// <c>listenOptions.Use(tls.GuardPlaintextHttp)</c> right before <c>UseHttps</c> (after any PROXY middleware).
    /// </summary>
    public ConnectionDelegate GuardPlaintextHttp(ConnectionDelegate next) => _guard.Wrap(next);

    /// <summary>Adds <see cref="GuardPlaintextHttp"/> then TLS with <see cref="HandshakeOptions"/> to a listener.</summary>
    public void ConfigureHttpsListener(ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Protocols = HttpProtocols.Http1;
        listenOptions.Use(GuardPlaintextHttp);
        listenOptions.UseHttps(HandshakeOptions);
    }

    /// <summary>Starts ACME issuance/renewal or static-file reload polling.</summary>
    public void Start() => _source.Start();

    /// <summary>Stops the background work.</summary>
    public Task StopAsync() => _source.StopAsync();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    internal ICertificateSource Source => _source;
}
