using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Scenarios B 21 and 28 (docs/tls.md) with the real relay process against Debian's Pebble: issuance over http-01 on the
/// port Pebble's VA dials, wss between a binary and a phone, /healthz over https, the cache directory, and a
/// restart that serves the cached certificate without a new order.
/// </summary>
[Collection(PebbleCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class AcmeRelayProcessTests(PebbleFixture pebble) : IDisposable
{
    private const string Domain = PebbleFixture.Domain;
    private readonly TempDir _dir = new();

    private string Cache => Path.Combine(_dir.Path, "state", "certs");

    [Fact]
    public async Task B21_obtains_a_certificate_serves_wss_and_reuses_it_after_a_restart()
    {
        string thumbprint;
        var ordersBefore = NewOrders();
        using (var relay = await StartAsync())
        {
            var obtained = Assert.Single(await WaitAsync(relay, "acme_certificate_obtained"));
            Assert.Equal(["time", "level", "msg", "domain"], obtained.Keys);
            Assert.Equal("INFO", obtained["level"]);
            Assert.Equal(Domain, obtained["domain"]);
            var starting = Assert.Single(relay.Named("starting"));
            Assert.Equal(["time", "level", "msg", "version", "mode", "domain", "cert_cache", "https_proxy_protocol"], starting.Keys);
            Assert.Equal("autocert", starting["mode"]);
            Assert.Equal(Cache, starting["cert_cache"]);
            await relay.WaitReadyAsync();

            X509Certificate2? seen = null;
            await using (await TlsClients.HandshakeAsync(relay.Target.Port, Domain, pebble.IssuingRoot, seen: c => seen = c))
            {
            }

            Assert.True(seen!.MatchesHostname(Domain));
            Assert.Contains("Pebble Intermediate CA", seen.Issuer, StringComparison.Ordinal);
            thumbprint = seen.Thumbprint;

            var health = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", Domain));
            Assert.Equal(200, health.Status);
            Assert.Equal("application/json; charset=utf-8", health.Header("Content-Type"));
            Assert.Equal("no-store", health.Header("Cache-Control"));
            Assert.Matches(HealthBody(), health.BodyText);

            await ExchangeOverWssAsync(relay);

            Assert.Equal("700", Mode(Cache));
            Assert.Equal("600", Mode(Path.Combine(Cache, Domain)));
            Assert.Equal("600", Mode(Path.Combine(Cache, "acme_account+key")));

            // B28: the HTTP listener (ACME mode) answers 404 without a redirect.
            foreach (var path in new[] { "/healthz", "/" })
            {
                RelayResponses.AssertNotFound(await RawHttp.SendAsync(new RelayTarget(pebble.HttpPort), RawHttp.Get(path, Domain)));
            }

            var (code, _, stderr) = await relay.StopAsync();
            Assert.True(code == 0, string.Join("\n", stderr));
            Assert.DoesNotContain(stderr, l => l.Contains("level=ERROR", StringComparison.Ordinal) || l.Contains("acme_issue_failed", StringComparison.Ordinal));
        }

        var ordersAfterFirst = NewOrders();
        Assert.Equal(ordersBefore + 1, ordersAfterFirst);

        // Restart with the same cache: the cached certificate is served at once and no order is placed.
        using (var again = await StartAsync())
        {
            await again.WaitReadyAsync();
            string? seen = null;
            await using (await TlsClients.HandshakeAsync(again.Target.Port, Domain, pebble.IssuingRoot, seen: c => seen = c.Thumbprint))
            {
            }

            Assert.Equal(thumbprint, seen);
            await ExchangeOverWssAsync(again);
            var (code, _, stderr) = await again.StopAsync();
            Assert.True(code == 0, string.Join("\n", stderr));
            Assert.DoesNotContain(stderr, l => l.Contains("msg=acme_certificate_obtained", StringComparison.Ordinal));
            Assert.Equal(ordersAfterFirst, NewOrders());
        }
    }

    public void Dispose() => _dir.Dispose();

    private Task<LiveRelay> StartAsync()
    {
        int https = RelayProcessRunner.FreePort(), metrics = RelayProcessRunner.FreePort();
        string[] args =
        [
            "--domain", Domain, "--acme-directory", pebble.DirectoryUrl.AbsoluteUri, "--acme-ca-file", pebble.ServerCaFile,
            "--http-listen", $"127.0.0.1:{pebble.HttpPort}", "--https-listen", $"127.0.0.1:{https}",
            "--metrics-listen", $"127.0.0.1:{metrics}", "--cert-cache", Cache,
        ];
        return LiveRelay.StartAsync(args, new RelayTarget(https, Domain, pebble.IssuingRoot), Domain, metrics, waitReady: false);
    }

    private static async Task<IReadOnlyList<LogfmtLine>> WaitAsync(LiveRelay relay, string msg)
    {
        await relay.Process.WaitForStderrAsync(l => l.Contains(" msg=" + msg + " ", StringComparison.Ordinal) || l.EndsWith(" msg=" + msg, StringComparison.Ordinal));
        return relay.Named(msg);
    }

    /// <summary>A binary and a phone over wss:// (trusting only Pebble's root) exchange a frame both ways.</summary>
    private static async Task ExchangeOverWssAsync(LiveRelay relay)
    {
        await using var b = await WsTestClient.ConnectBinaryAsync(relay.Target, "e2e-s21");
        await relay.Process.WaitForStderrAsync(l => l.Contains("msg=server_claimed server_id=e2e-s21", StringComparison.Ordinal) && !l.Contains("bogus", StringComparison.Ordinal));
        await using var p = await WsTestClient.ConnectPhoneAsync(relay.Target, "e2e-s21");
        await p.SendTextAsync("""{"v":2,"t":"probe-21"}""");
        var envelope = await b.ReceiveTextAsync();
        var match = Envelope().Match(envelope);
        Assert.True(match.Success, envelope);
        var connId = match.Groups[1].Value;
        await b.SendTextAsync($$$"""{"conn_id":"{{{connId}}}","frame":{"ok":true}}""");
        Assert.Equal("""{"ok":true}""", await p.ReceiveTextAsync());
    }

    /// <summary>Orders Pebble has accepted so far (counted from its log).</summary>
    // Orders actually created (a newOrder request Pebble refuses with badNonce is logged as a POST too).
    private int NewOrders() => Regex.Count(pebble.Output, "Added order");

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path) & 0x1FF, 8);

    [GeneratedRegex("""^\{"conn_id":"(client-e2e-s21-[0-9a-f]{16})","frame":\{"v":2,"t":"probe-21"\}\}$""")]
    private static partial Regex Envelope();

    [GeneratedRegex("""^\{"status":"ok","version":"[^"]+","commit":"[^"]+","connected_binaries":0,"connected_phones":0,"uptime_seconds":[0-9]+\}$""")]
    private static partial Regex HealthBody();
}
