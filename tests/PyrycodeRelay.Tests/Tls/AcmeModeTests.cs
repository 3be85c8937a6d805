using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Tls;
using PyrycodeRelay.Tls.Acme;

namespace PyrycodeRelay.Tests.Tls;

/// <summary>ACME mode without an ACME server: setup refusals, the HTTP listener, no-certificate handshakes, backoff.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AcmeModeTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private string Cache => Path.Combine(_dir.Path, "certs");

    [Fact]
    public void Setup_refusal_for_a_regular_file_logs_autocert_setup_failed()
    {
        File.WriteAllText(Cache, "x");
        var result = TlsSetup.Create(Options(), _logs, _time);
        Assert.False(result.Succeeded);
        Assert.Equal($"relay: cert cache path is not a directory: {Cache}", result.Error);
        var e = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Error, e.Level);
        Assert.Equal("autocert setup failed", e.EventName);
        Assert.Equal(705, e.EventId.Id);
        Assert.Equal($"autocert setup failed err={result.Error}", e.Message);
    }

    [Fact]
    public void Setup_refusal_for_an_unreadable_ca_file()
    {
        var result = TlsSetup.Create(Options() with { AcmeCaFile = _dir.File("missing.pem") }, _logs, _time);
        Assert.False(result.Succeeded);
        Assert.StartsWith($"relay: reading --acme-ca-file {_dir.File("missing.pem")}: ", result.Error);
        Assert.Equal("autocert setup failed", Assert.Single(_logs.Entries).EventName);
    }

    [Fact]
    public void Setup_refusal_for_a_ca_file_without_certificates()
    {
        File.WriteAllText(_dir.File("empty.pem"), "nothing here\n");
        var result = TlsSetup.Create(Options() with { AcmeCaFile = _dir.File("empty.pem") }, _logs, _time);
        Assert.Equal($"relay: reading --acme-ca-file {_dir.File("empty.pem")}: no PEM certificates in {_dir.File("empty.pem")}",
            result.Error);
        Assert.Equal("autocert setup failed", Assert.Single(_logs.Entries).EventName);
    }

    [Fact]
    public async Task Setup_tightens_the_directory_and_serves_challenges_on_the_http_listener()
    {
        Directory.CreateDirectory(Cache);
        File.SetUnixFileMode(Cache, (UnixFileMode)0x1ED);
        var result = TlsSetup.Create(Options(), _logs, _time);
        Assert.True(result.Succeeded, result.Error);
        await using var tls = result.Tls;
        Assert.Equal("autocert", tls.ModeName);
        Assert.Equal(Cache, tls.CertCache);
        Assert.Equal("tightened cert cache dir perms", Assert.Single(_logs.Entries).EventName);
        Assert.False(tls.HasCertificate);
        Assert.False(tls.IsReady); // not started: nothing is being obtained yet

        await using var host = await TlsTestHost.StartAsync(tls);
        var manager = (AcmeCertificateManager)tls.Source;
        manager.Challenges.Add("tok_1-A", "tok_1-A.thumb");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using (var ok = await client.GetAsync($"http://127.0.0.1:{host.HttpPort}/.well-known/acme-challenge/tok_1-A"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("tok_1-A.thumb", await ok.Content.ReadAsStringAsync());
        }

        foreach (var path in new[] { "/healthz", "/", "/.well-known/acme-challenge/other", "/.well-known/acme-challenge/" })
        {
            RelayResponses.AssertNotFound(await RawHttp.SendAsync(new RelayTarget(host.HttpPort), RawHttp.Get(path, "127.0.0.1")));
        }

        // Until a certificate exists, handshakes fail, even with the right name.
        using var pki = new TestPki();
        var e = await Record.ExceptionAsync(() => TlsClients.HandshakeAsync(host.HttpsPort, "relay.test", pki.Root));
        Assert.NotNull(e);
    }

    [Fact]
    public async Task Failed_issuance_is_logged_and_retried_with_growing_delays()
    {
        var closedPort = PebbleFixture.FreePort();
        var result = TlsSetup.Create(Options() with { AcmeDirectory = $"https://127.0.0.1:{closedPort}/dir" }, _logs, _time);
        Assert.True(result.Succeeded, result.Error);
        await using var tls = result.Tls;
        var manager = (AcmeCertificateManager)tls.Source;
        var t0 = _time.GetUtcNow();
        tls.Start();
        Assert.True(tls.IsReady); // being obtained

        var first = await _logs.WaitForAsync("acme_issue_failed", timeout: TlsClients.Timeout);
        Assert.Equal(LogLevel.Warning, first.Level);
        Assert.Equal(702, first.EventId.Id);
        Assert.Equal("relay.test", first["domain"]);
        Assert.StartsWith("acme: ", first["err"]!);
        Assert.Equal(t0 + TimeSpan.FromSeconds(30), await WaitRetryAtAsync(manager));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, manager.IssuanceAttempts);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _logs.WaitForAsync("acme_issue_failed", timeout: TlsClients.Timeout, count: 2);
        Assert.Equal(t0 + TimeSpan.FromSeconds(90), await WaitRetryAtAsync(manager));
        Assert.Equal(2, manager.IssuanceAttempts);
        Assert.False(tls.HasCertificate);
        Assert.True(tls.IsReady);
        await tls.StopAsync();
        Assert.False(tls.IsReady);
    }

    [Fact]
    public void Cache_in_go_autocert_layout_is_read_and_written_with_mode_0600()
    {
        Directory.CreateDirectory(Cache);
        using var pki = new TestPki();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (leaf, _) = pki.Issue(["relay.test"], key: key);
        // Go autocert: "EC PRIVATE KEY" block, then the chain.
        File.WriteAllText(Path.Combine(Cache, "relay.test"), key.ExportECPrivateKeyPem() + "\n" + leaf.ExportCertificatePem() + "\n"
            + pki.RootPem);
        using var account = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(Cache, "acme_account+key"), account.ExportECPrivateKeyPem() + "\n");

        var served = CertCacheFiles.ReadCertificate(Cache, "relay.test", DateTimeOffset.UtcNow);
        Assert.Equal(leaf.Thumbprint, served?.Leaf.Thumbprint);
        Assert.Null(CertCacheFiles.ReadCertificate(Cache, "relay.test", leaf.NotAfter.AddDays(1)));
        Assert.Null(CertCacheFiles.ReadCertificate(Cache, "other.test", DateTimeOffset.UtcNow));
        using var readAccount = CertCacheFiles.ReadAccountKey(Cache);
        Assert.Equal(AcmeJwk.Thumbprint(account), AcmeJwk.Thumbprint(readAccount!));

        CertCacheFiles.WriteCertificate(Cache, "relay.test", key, leaf.ExportCertificatePem());
        CertCacheFiles.WriteAccountKey(Cache, account);
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(Path.Combine(Cache, "relay.test")));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(Path.Combine(Cache, "acme_account+key")));
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----\n", File.ReadAllText(Path.Combine(Cache, "relay.test")));
        Assert.Equal(2, Directory.GetFiles(Cache).Length); // no temporary files left
    }

    public void Dispose() => _dir.Dispose();

    private RelayOptions Options() => new() { Domain = "relay.test", CertCache = Cache };

    private static async Task<DateTimeOffset> WaitRetryAtAsync(AcmeCertificateManager manager)
    {
        var deadline = DateTime.UtcNow + TlsClients.Timeout;
        while (true)
        {
            if (manager.NextRetryAt is { } at)
            {
                return at;
            }

            Assert.True(DateTime.UtcNow < deadline, "no retry scheduled");
            await Task.Delay(20);
        }
    }
}
