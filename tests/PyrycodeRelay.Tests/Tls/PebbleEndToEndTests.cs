using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Tls;

/// <summary>ACME end to end against a real Pebble (scenario B 21; renewal).</summary>
[Collection(PebbleCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PebbleEndToEndTests(PebbleFixture pebble) : IDisposable
{
    private static readonly TimeSpan IssueTimeout = TimeSpan.FromSeconds(90);
    private readonly TempDir _dir = new();

    private string Cache => Path.Combine(_dir.Path, "state", "certs");

    [Fact]
    public async Task Obtains_serves_caches_and_reuses_the_certificate_after_a_restart()
    {
        var logs = new CapturingLoggerProvider();
        string thumbprint;
        await using (var tls = Setup(logs, TimeProvider.System))
        {
            Assert.False(tls.HasCertificate);
            await using var host = await TlsTestHost.StartAsync(tls, httpPort: pebble.HttpPort);
            tls.Start();
            Assert.True(tls.IsReady);
            var obtained = await WaitObtainedAsync(logs);
            Assert.Equal(LogLevel.Information, obtained.Level);
            Assert.Equal("acme_certificate_obtained domain=relay.test", obtained.Message);
            Assert.Empty(logs.Named("acme_issue_failed"));

            X509Certificate2? seen = null;
            using var client = TlsClients.HttpClientFor(host.HttpsPort, pebble.IssuingRoot, c => seen = c);
            using var response = await client.GetAsync($"https://relay.test:{host.HttpsPort}/healthz");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
            Assert.NotNull(seen);
            Assert.True(seen.MatchesHostname("relay.test"));
            Assert.Contains("Pebble Intermediate CA", seen.Issuer, StringComparison.Ordinal);
            thumbprint = seen.Thumbprint;

            var manager = (AcmeCertificateManager)tls.Source;
            Assert.Equal(1, manager.OrdersCreated);
            Assert.Equal("700", Mode(Cache));
            Assert.Equal("600", Mode(Path.Combine(Cache, "relay.test")));
            Assert.Equal("600", Mode(Path.Combine(Cache, "acme_account+key")));
            var cached = File.ReadAllText(Path.Combine(Cache, "relay.test"));
            Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", cached);
            Assert.True(cached.Split("-----BEGIN CERTIFICATE-----").Length >= 3, "leaf and intermediate expected");
            Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", File.ReadAllText(Path.Combine(Cache, "acme_account+key")));
        }

        // Restart: the cached certificate is served from the first handshake, and no order is placed.
        var logs2 = new CapturingLoggerProvider();
        await using (var tls = Setup(logs2, TimeProvider.System))
        {
            Assert.True(tls.HasCertificate);
            Assert.True(tls.IsReady);
            await using var host = await TlsTestHost.StartAsync(tls, httpPort: pebble.HttpPort);
            string? seen = null;
            await using (await TlsClients.HandshakeAsync(host.HttpsPort, "relay.test", pebble.IssuingRoot, seen: c => seen = c.Thumbprint))
            {
                Assert.Equal(thumbprint, seen);
            }

            tls.Start();
            var manager = (AcmeCertificateManager)tls.Source;
            var renewal = await WaitAsync(() => manager.ScheduledRenewal);
            Assert.True(renewal > DateTimeOffset.UtcNow.AddDays(30));
            Assert.Equal(0, manager.IssuanceAttempts);
            Assert.Equal(0, manager.OrdersCreated);
            Assert.Empty(logs2.Named("acme_certificate_obtained"));
        }
    }

    [Fact]
    public async Task Renews_when_a_third_of_the_lifetime_remains_for_new_handshakes_only()
    {
        var logs = new CapturingLoggerProvider();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var tls = Setup(logs, clock);
        await using var host = await TlsTestHost.StartAsync(tls, httpPort: pebble.HttpPort);
        tls.Start();
        await WaitObtainedAsync(logs);
        var manager = (AcmeCertificateManager)tls.Source;
        var renewAt = await WaitAsync(() => manager.ScheduledRenewal);
        var first = manager.Current!;
        Assert.Equal(first.NotAfter - ((first.NotAfter - first.NotBefore) / 3), renewAt);

        await using var open = await TlsClients.HandshakeAsync(host.HttpsPort, "relay.test", pebble.IssuingRoot);
        clock.Advance(renewAt - clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        Assert.Single(logs.Named("acme_certificate_obtained"));
        clock.Advance(TimeSpan.FromMinutes(1));
        await logs.WaitForAsync("acme_certificate_obtained", timeout: IssueTimeout, count: 2);
        Assert.Equal(2, manager.OrdersCreated);

        string? seen = null;
        await using (await TlsClients.HandshakeAsync(host.HttpsPort, "relay.test", pebble.IssuingRoot, seen: c => seen = c.Thumbprint))
        {
            Assert.NotEqual(first.Leaf.Thumbprint, seen);
        }

        Assert.Equal(first.Leaf.Thumbprint, X509CertificateLoader.LoadCertificate(open.RemoteCertificate!.GetRawCertData()).Thumbprint);
        var text = await RawHttp.ExchangeTextAsync(open, "GET /healthz HTTP/1.1\r\nHost: relay.test\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK", text);
    }

    public void Dispose() => _dir.Dispose();

    private RelayTls Setup(CapturingLoggerProvider logs, TimeProvider time)
    {
        var result = TlsSetup.Create(new RelayOptions
        {
            Domain = PebbleFixture.Domain,
            CertCache = Cache,
            AcmeDirectory = pebble.DirectoryUrl.AbsoluteUri,
            AcmeCaFile = pebble.ServerCaFile,
            AcmeEmail = "ops@example.com",
        }, logs, time);
        Assert.True(result.Succeeded, result.Error);
        return result.Tls;
    }

    private async Task<LogEntry> WaitObtainedAsync(CapturingLoggerProvider logs)
    {
        try
        {
            return await logs.WaitForAsync("acme_certificate_obtained", timeout: IssueTimeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\nPebble output:\n" + pebble.Output, e);
        }
    }

    private static async Task<T> WaitAsync<T>(Func<T?> probe) where T : struct
    {
        var deadline = DateTime.UtcNow + TlsClients.Timeout;
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20);
        }
    }

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path) & 0x1FF, 8);
}
