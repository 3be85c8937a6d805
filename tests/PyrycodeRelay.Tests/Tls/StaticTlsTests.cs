using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Tests.Configuration;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Tls;

/// <summary>
/// Static certificate mode on a real Kestrel (scenarios B 25–29, 34): SNI policy, Host gate, TLS versions,
/// ALPN, plaintext on the TLS port, the HTTP listener's 404, reload.
/// </summary>
public sealed class StaticTlsTests : IAsyncLifetime, IDisposable
{
    private const string Domain = "relay.example.com";
    private readonly TestPki _pki = new();
    private readonly TempDir _dir = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private X509Certificate2 _certA = null!;
    private RelayTls _tls = null!;
    private KestrelTestHost _host = null!;

    private string CertFile => _dir.File("c.pem");
    private string KeyFile => _dir.File("k.pem");

    public async Task InitializeAsync()
    {
        _certA = WritePair(CertFile, KeyFile);
        var result = TlsSetup.Create(new RelayOptions { Domain = Domain, TlsCertFile = CertFile, TlsKeyFile = KeyFile },
            _logs, _time, DefaultOptions.Tls with { StaticReloadInterval = TimeSpan.FromSeconds(10) });
        Assert.True(result.Succeeded, result.Error);
        _tls = result.Tls;
        Assert.Equal(TlsMode.Static, _tls.Mode);
        Assert.Equal("static-cert", _tls.ModeName);
        Assert.Null(_tls.CertCache);
        Assert.True(_tls.IsReady);
        _host = await TlsTestHost.StartAsync(_tls);
        _tls.Start();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _tls.DisposeAsync();
    }

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
        _logs.Dispose();
    }

    [Theory]
    [InlineData("relay.example.com")]
    [InlineData("RELAY.Example.COM")]
    public async Task Matching_sni_gets_the_certificate(string sni)
    {
        X509Certificate2? seen = null;
        await using var ssl = await TlsClients.HandshakeAsync(_host.HttpsPort, sni, _pki.Root, seen: c => seen = c);
        Assert.Equal(_certA.Thumbprint, seen?.Thumbprint);
    }

    [Theory]
    [InlineData("evil.example.com")]
    [InlineData("relay.example.com.evil.com")]
    [InlineData("")]
    public async Task Other_or_missing_sni_fails_the_handshake_without_a_certificate(string sni)
    {
        X509Certificate2? seen = null;
        var e = await Record.ExceptionAsync(() => TlsClients.HandshakeAsync(_host.HttpsPort, sni, _pki.Root, seen: c => seen = c));
        Assert.True(e is AuthenticationException or IOException, e?.ToString() ?? "handshake succeeded");
        Assert.Null(seen);
    }

    [Fact]
    public async Task Refused_handshakes_are_logged_by_kestrel_at_debug_only()
    {
        await using var host = await TlsTestHost.StartAsync(_tls);
        var kestrelLogs = host.Logs;
        await Record.ExceptionAsync(() => TlsClients.HandshakeAsync(host.HttpsPort, "evil.example.com", _pki.Root));
        await Record.ExceptionAsync(() => TlsClients.HandshakeAsync(host.HttpsPort, "", _pki.Root));
        var failed = await kestrelLogs.WaitForAsync("AuthenticationFailed", timeout: TlsClients.Timeout, count: 2);
        Assert.Equal(LogLevel.Debug, failed.Level);
        Assert.DoesNotContain(kestrelLogs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Silent_connection_on_the_tls_port_is_closed_after_the_handshake_timeout()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, _host.HttpsPort);
        var read = tcp.GetStream().ReadAsync(new byte[16]).AsTask();
        await Task.Delay(200);
        Assert.False(read.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await read.WaitAsync(TlsClients.Timeout));
    }

    [Theory]
    [InlineData("relay.example.com", 200)]
    [InlineData("relay.example.com:8443", 200)]
    [InlineData("RELAY.EXAMPLE.COM", 200)]
    [InlineData("evil.com", 421)]
    [InlineData("", 421)]
    [InlineData("relay.example.com.evil.com", 421)]
    public async Task Host_gate(string host, int status)
    {
        var response = await TlsClients.RawRequestAsync(_host.HttpsPort, Domain, _pki.Root,
            $"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        Assert.StartsWith($"HTTP/1.1 {status} ", response);
        if (status == 421)
        {
            Assert.StartsWith("HTTP/1.1 421 Misdirected Request\r\n", response);
            Assert.Contains("\r\nContent-Length: 0\r\n", response);
            Assert.EndsWith("\r\n\r\n", response);
        }
        else
        {
            Assert.EndsWith("\r\n\r\nok", response);
        }
    }

    [Fact]
    public async Task Host_gate_runs_before_every_route()
    {
        var response = await TlsClients.RawRequestAsync(_host.HttpsPort, Domain, _pki.Root,
            "GET /v1/server HTTP/1.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 421 Misdirected Request\r\n", response);
        Assert.Contains("\r\nContent-Length: 0\r\n", response);
        Assert.EndsWith("\r\n\r\n", response);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls12_and_tls13_are_accepted(SslProtocols protocol)
    {
        await using var ssl = await TlsClients.HandshakeAsync(_host.HttpsPort, Domain, _pki.Root, protocol);
        Assert.Equal(protocol, ssl.SslProtocol);
    }

    [Fact]
    public async Task Tls11_is_refused_while_the_same_hello_as_tls12_is_answered()
    {
        Assert.True(await RawClientHello.GetsServerHelloAsync(_host.HttpsPort, Domain, 0x0303), "TLS 1.2 probe not answered");
        Assert.False(await RawClientHello.GetsServerHelloAsync(_host.HttpsPort, Domain, 0x0302), "TLS 1.1 was accepted");
        Assert.False(await RawClientHello.GetsServerHelloAsync(_host.HttpsPort, Domain, 0x0301), "TLS 1.0 was accepted");
    }

    [Fact]
    public async Task Alpn_http11_is_negotiated()
    {
        await using var ssl = await TlsClients.HandshakeAsync(_host.HttpsPort, Domain, _pki.Root,
            alpn: [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]);
        Assert.Equal(SslApplicationProtocol.Http11, ssl.NegotiatedApplicationProtocol);
    }

    [Fact]
    public async Task Plaintext_http_on_the_tls_port_gets_the_go_style_400_and_close()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, _host.HttpsPort);
        var text = await RawHttp.ExchangeTextAsync(tcp.GetStream(), "GET /healthz HTTP/1.1\r\nHost: relay.example.com\r\n\r\n");
        Assert.Equal("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.", text);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/")]
    [InlineData("/.well-known/acme-challenge/abc")]
    public async Task Http_listener_answers_404_to_everything_in_static_mode(string path)
    {
        RelayResponses.AssertNotFound(await RawHttp.SendAsync(new RelayTarget(_host.HttpPort), RawHttp.Get(path, "127.0.0.1")));
    }

    [Fact]
    public async Task Reload_swaps_the_certificate_for_new_handshakes_and_keeps_it_on_garbage()
    {
        // An open WebSocket over the old certificate.
        using var http = TlsClients.HttpClientFor(_host.HttpsPort, _pki.Root);
        using var ws = new System.Net.WebSockets.ClientWebSocket();
        await ws.ConnectAsync(new Uri($"wss://{Domain}:{_host.HttpsPort}/ws"), http, CancellationToken.None);

        var certB = WritePair(CertFile, KeyFile);
        Assert.NotEqual(_certA.Thumbprint, certB.Thumbprint);
        _time.Advance(TimeSpan.FromSeconds(10));
        var reloaded = await _logs.WaitForAsync("tls_cert_reloaded", timeout: TlsClients.Timeout);
        Assert.Equal(LogLevel.Information, reloaded.Level);
        Assert.Equal($"tls_cert_reloaded path={CertFile}", reloaded.Message);
        Assert.Equal(certB.Thumbprint, await PresentedThumbprintAsync());
        await EchoAsync(ws, "still open");

        File.WriteAllText(CertFile, "garbage\n");
        _time.Advance(TimeSpan.FromSeconds(10));
        var failed = await _logs.WaitForAsync("tls_cert_reload_failed", timeout: TlsClients.Timeout);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal(CertFile, failed["path"]);
        Assert.StartsWith($"relay: loading TLS key pair ({CertFile}, {KeyFile}): ", failed["err"]!);
        Assert.Equal(certB.Thumbprint, await PresentedThumbprintAsync());

        // Unchanged files are not reloaded again.
        _time.Advance(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(_logs.Named("tls_cert_reload_failed"));
        Assert.Single(_logs.Named("tls_cert_reloaded"));
        await EchoAsync(ws, "after garbage");
    }

    private async Task<string?> PresentedThumbprintAsync()
    {
        X509Certificate2? seen = null;
        await using var ssl = await TlsClients.HandshakeAsync(_host.HttpsPort, Domain, _pki.Root, seen: c => seen = c);
        return seen?.Thumbprint;
    }

    private static async Task EchoAsync(System.Net.WebSockets.ClientWebSocket ws, string text)
    {
        using var cts = new CancellationTokenSource(TlsClients.Timeout);
        await ws.SendAsync(Encoding.UTF8.GetBytes(text), System.Net.WebSockets.WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[256];
        var r = await ws.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, r.Count));
    }

    private X509Certificate2 WritePair(string certFile, string keyFile)
    {
        var (cert, key) = _pki.Issue([Domain]);
        File.WriteAllText(certFile, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, TestPki.KeyPem(key, "sec1"));
        return cert;
    }
}
