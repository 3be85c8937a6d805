using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Tests.Configuration;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenarios B 25–28 and 34 (docs/tls.md) through the relay host in TLS mode with static certificate files.</summary>
public sealed class TlsStaticRelayTests : IDisposable
{
    private const string Domain = "relay.example.com";
    private readonly StaticCerts _certs = new(Domain);

    private RelayTarget Tls(TestRelay relay) => new(relay.Port, Domain, _certs.Root);

    [Fact]
    public async Task B25_only_the_configured_sni_gets_a_certificate()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile));
        X509Certificate2? seen = null;
        await using (await TlsClients.HandshakeAsync(relay.Port, Domain, _certs.Root, seen: c => seen = c))
        {
            Assert.Equal(_certs.Current.Thumbprint, seen!.Thumbprint);
        }

        await using (await TlsClients.HandshakeAsync(relay.Port, "RELAY.EXAMPLE.COM", _certs.Root))
        {
        }

        foreach (var sni in new[] { "evil.example.com", "relay.example.com.evil.com", null })
        {
            seen = null;
            var failure = await Record.ExceptionAsync(() => TlsClients.HandshakeAsync(relay.Port, sni, _certs.Root, seen: c => seen = c));
            Assert.True(failure is AuthenticationException or IOException, $"SNI '{sni}': {failure?.GetType().Name ?? "handshake succeeded"}");
            Assert.Null(seen);
        }
    }

    [Fact]
    public async Task B26_host_gate_answers_421_before_anything_else_and_takes_no_rate_limit_token()
    {
        var options = TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile) with { RateLimitBurst = 1 };
        await using var relay = await TestRelay.StartAsync(options);
        var target = Tls(relay);
        foreach (var host in new[] { Domain, Domain + ":8443", "RELAY.EXAMPLE.COM" })
        {
            var ok = await RawHttp.SendAsync(target, RawHttp.Get("/healthz", host));
            Assert.Equal(200, ok.Status);
            Assert.StartsWith("{\"status\":\"ok\",\"version\":\"test-version\",", ok.BodyText, StringComparison.Ordinal);
        }

        var logsBefore = relay.Logs.Entries.Count;
        foreach (var host in new[] { "evil.com", "", Domain + ".evil.com" })
        {
            RelayResponses.AssertMisdirected(await RawHttp.SendAsync(target, RawHttp.Get("/healthz", host)));
        }

        // Every path, not only the routes.
        foreach (var path in new[] { "/readyz", "/nope", "/metrics", "/v2/client" })
        {
            RelayResponses.AssertMisdirected(await RawHttp.SendAsync(target, RawHttp.Get(path, "evil.com")));
        }

        // An upgrade request to /v1/server with a foreign Host: 421, twice, and the single token is still there.
        for (var i = 0; i < 2; i++)
        {
            RelayResponses.AssertMisdirected(await RawHttp.SendAsync(target, RawHttp.BinaryUpgrade("evil.com", "e2e-s1")));
        }

        Assert.Equal(logsBefore, relay.Logs.Entries.Count);
        await relay.ExpectMetricsAsync(new() { ["pyrycode_relay_ws_upgrade_attempts_total"] = [] });

        var first = await RawHttp.SendAsync(target, RawHttp.Upgrade("/v1/server", Domain));
        Assert.Equal(400, first.Status); // the one token: reached the header gate
        var second = await RawHttp.SendAsync(target, RawHttp.Upgrade("/v1/server", Domain));
        Assert.Equal(429, second.Status);
        await relay.ExpectMetricsAsync(new()
        {
            ["pyrycode_relay_ws_upgrade_attempts_total"] = new() { ["endpoint=server,outcome=reject_headers"] = 1, ["endpoint=server,outcome=reject_rate_limit"] = 1 },
            ["pyrycode_relay_register_failures_total"] = new() { ["kind=ratelimit"] = 1 },
        });
        Assert.Equal("\"127.0.0.1\"", Assert.Single(relay.Logs.Named("rate_limited"))["remote"]);
    }

    [Fact]
    public async Task B27_tls_1_1_is_refused_and_1_2_and_1_3_are_served()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile));
        Assert.False(await RawClientHello.GetsServerHelloAsync(relay.Port, Domain, 0x0302), "TLS 1.1 ClientHello answered");
        Assert.True(await RawClientHello.GetsServerHelloAsync(relay.Port, Domain, 0x0303), "TLS 1.2 ClientHello not answered");
        foreach (var protocol in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            await using var ssl = await TlsClients.HandshakeAsync(relay.Port, Domain, _certs.Root, protocol);
            Assert.Equal(protocol, ssl.SslProtocol);
            var response = await RawHttp.ExchangeTextAsync(ssl, $"GET /healthz HTTP/1.1\r\nHost: {Domain}\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task B28_static_mode_http_listener_answers_404_to_everything_without_a_redirect()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile));
        foreach (var path in new[] { "/healthz", "/", "/.well-known/acme-challenge/abc", "/v1/server" })
        {
            var response = await RawHttp.SendAsync(new RelayTarget(relay.Host.HttpPort), RawHttp.Get(path, Domain));
            RelayResponses.AssertNotFound(response);
        }
    }

    [Fact]
    public async Task B34_reloaded_certificate_serves_new_handshakes_while_an_open_websocket_stays()
    {
        var settings = DefaultOptions.Tls with { StaticReloadInterval = TimeSpan.FromMilliseconds(200) };
        await using var relay = await TestRelay.StartAsync(TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile), tlsSettings: settings);
        var first = _certs.Current;
        await using var b = await relay.ConnectHolderAsync("e2e-s1", Tls(relay));

        var second = _certs.Issue();
        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        _certs.Replace(second);
        var reloaded = await relay.Logs.WaitForAsync("tls_cert_reloaded", timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(LogLevel.Information, reloaded.Level);
        Assert.Equal(["path"], reloaded.Fields.Select(f => f.Key));
        Assert.Equal(_certs.CertFile, reloaded["path"]);
        Assert.Equal(second.Thumbprint, await PresentedAsync(relay));
        await AssertExchangeAsync(relay, b, "after-reload");

        _certs.Garbage();
        var failed = await relay.Logs.WaitForAsync("tls_cert_reload_failed", timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal(["path", "err"], failed.Fields.Select(f => f.Key));
        Assert.Equal(_certs.CertFile, failed["path"]);
        Assert.Equal(second.Thumbprint, await PresentedAsync(relay));
        await AssertExchangeAsync(relay, b, "after-garbage");
        Assert.Single(relay.Logs.Named("tls_cert_reloaded"));
        Assert.Single(relay.Logs.Named("tls_cert_reload_failed"));
        Assert.Equal(1, relay.Host.Registry.ConnectedBinaries);
    }

    public void Dispose() => _certs.Dispose();

    private async Task<string> PresentedAsync(TestRelay relay)
    {
        string? seen = null;
        await using (await TlsClients.HandshakeAsync(relay.Port, Domain, _certs.Root, seen: c => seen = c.Thumbprint))
        {
        }

        return seen!;
    }

    /// <summary>A new phone (new handshake) and the long-lived binary exchange a frame both ways.</summary>
    private async Task AssertExchangeAsync(TestRelay relay, WsTestClient binary, string marker)
    {
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("e2e-s1", Tls(relay));
        await using var _ = phone;
        await phone.SendTextAsync($"{{\"m\":\"{marker}\"}}");
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"m\":\"{marker}\"}}}}", await binary.ReceiveTextAsync());
        await binary.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":\"{marker}\"}}");
        Assert.Equal($"\"{marker}\"", await phone.ReceiveTextAsync());
        await phone.CloseAsync();
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1000}}", await binary.ReceiveTextAsync());
    }
}
