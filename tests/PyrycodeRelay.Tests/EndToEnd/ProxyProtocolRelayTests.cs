using System.Net.Security;
using System.Security.Authentication;
using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenarios B 30–33: PROXY protocol in front of TLS on the relay's TLS listener.</summary>
public sealed class ProxyProtocolRelayTests : IDisposable
{
    private const string Domain = "relay.test";
    private readonly StaticCerts _certs = new(Domain);

    private Task<TestRelay> StartAsync(string trusted = "", int burst = 20) => TestRelay.StartAsync(
        TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile) with { HttpsProxyProtocol = true, ProxyProtocolTrustedCidrs = trusted, RateLimitBurst = burst });

    private RelayTarget Tls(TestRelay relay, byte[]? header) => new(relay.Port, Domain, _certs.Root, Prefix: header);

    public static byte[] V1(string source) => Encoding.ASCII.GetBytes($"PROXY TCP4 {source} 10.0.0.1 40000 443\r\n");

    [Fact]
    public async Task B30_v1_and_v2_tcp_headers_are_accepted_everything_else_is_closed_with_zero_bytes()
    {
        await using var relay = await StartAsync();
        byte[][] accepted =
        [
            ProxyHeaders.V2Tcp("203.0.113.1", 40000, "10.0.0.1", 443),
            ProxyHeaders.V2Tcp("2001:db8::1", 40000, "2001:db8::2", 443),
            V1("198.51.100.7"),
            ProxyHeaders.V2Tcp("203.0.113.2", 40000, "10.0.0.1", 443, tlvs: [0x01, 0x00, 0x02, (byte)'h', (byte)'2']), // a TLV is ignored
            Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::1 2001:db8::2 40000 443\r\n"),
        ];
        foreach (var header in accepted)
        {
            var response = await RawHttp.SendAsync(Tls(relay, header), RawHttp.Get("/healthz", Domain));
            Assert.Equal(200, response.Status);
        }

        byte[][] rejected =
        [
            ProxyHeaders.V2Tcp("203.0.113.1", 40000, "10.0.0.1", 443, versionCommand: ProxyHeaders.Local),
            ProxyHeaders.V2(ProxyHeaders.Proxy, ProxyHeaders.Unspec, []),
            ProxyHeaders.V2UnixStream(),
            [.. PyrycodeRelay.Limits.ProxyProtocol.ProxyHeaderParser.V2Signature, 0x55, .. "garbage-garbage-garbage"u8],
            Encoding.ASCII.GetBytes("PROXY UNKNOWN\r\n"),
            [],
        ];
        foreach (var header in rejected)
        {
            await AssertClosedWithZeroBytesAsync(Tls(relay, header.Length == 0 ? null : header));
        }

        // The header's source is the connection's remote address in the logs.
        await using var b = await relay.ConnectHolderAsync("e2e-s30", Tls(relay, ProxyHeaders.V2Tcp("2001:db8::7", 40000, "2001:db8::2", 443)));
        Assert.Equal("2001:db8::7", relay.Logs.Named("server_claimed").Single(e => e["server_id"] == "e2e-s30")["remote"]);
    }

    [Fact]
    public async Task B31_rate_limit_is_keyed_by_the_proxy_source()
    {
        await using var relay = await StartAsync(burst: 1);
        var request = RawHttp.Upgrade("/v1/server", Domain);
        Assert.Equal(400, (await RawHttp.SendAsync(Tls(relay, V1("203.0.113.1")), request)).Status);
        var limited = await RawHttp.SendAsync(Tls(relay, ProxyHeaders.V2Tcp("203.0.113.1", 40001, "10.0.0.1", 443)), request);
        RelayResponses.AssertRefusal(limited, 429);
        Assert.Equal(400, (await RawHttp.SendAsync(Tls(relay, V1("198.51.100.7")), request)).Status);

        var warn = Assert.Single(relay.Logs.Named("rate_limited"));
        Assert.Equal("\"203.0.113.1\"", warn["remote"]);
        await relay.ExpectMetricsAsync(new()
        {
            ["pyrycode_relay_ws_upgrade_attempts_total"] = new() { ["endpoint=server,outcome=reject_headers"] = 2, ["endpoint=server,outcome=reject_rate_limit"] = 1 },
        });
    }

    [Fact]
    public async Task A_trusted_x_forwarded_for_wins_over_the_proxy_source()
    {
        await using var relay = await TestRelay.StartAsync(
            TestRelay.Static(Domain, _certs.CertFile, _certs.KeyFile) with { HttpsProxyProtocol = true, RateLimitBurst = 1, TrustXForwardedFor = true });
        string Upgrade(string xff) => RawHttp.Upgrade("/v1/server", Domain, "X-Forwarded-For: " + xff);
        Assert.Equal(400, (await RawHttp.SendAsync(Tls(relay, V1("203.0.113.1")), Upgrade("192.0.2.50"))).Status);
        Assert.Equal(400, (await RawHttp.SendAsync(Tls(relay, V1("203.0.113.1")), Upgrade("192.0.2.51"))).Status);
        Assert.Equal(429, (await RawHttp.SendAsync(Tls(relay, V1("203.0.113.2")), Upgrade("192.0.2.50"))).Status);
        Assert.Equal("\"192.0.2.50\"", Assert.Single(relay.Logs.Named("rate_limited"))["remote"]);
    }

    [Fact]
    public async Task B32_a_silent_connection_does_not_block_others_and_is_closed_after_5s_with_zero_bytes()
    {
        await using var relay = await StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var silent = await new RelayTarget(relay.Port).ConnectAsync(cts.Token);
        var closed = RawHttp.ReadUntilClosedAsync(silent, TimeSpan.FromSeconds(15));
        using var partial = await new RelayTarget(relay.Port, Prefix: Encoding.ASCII.GetBytes("PROXY TCP4 203.0.")).ConnectAsync(cts.Token);
        var partialClosed = RawHttp.ReadUntilClosedAsync(partial, TimeSpan.FromSeconds(15));

        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(200, (await RawHttp.SendAsync(Tls(relay, V1("203.0.113.5")), RawHttp.Get("/healthz", Domain))).Status);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2.5), $"good request took {sw.Elapsed}"); // blocked, it would take 5 s

        var (bytes, elapsed, reset) = await closed;
        Assert.Empty(bytes);
        Assert.False(reset, "the silent client should read EOF, not a reset");
        Assert.InRange(elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
        var (partialBytes, partialElapsed, _) = await partialClosed;
        Assert.Empty(partialBytes);
        Assert.InRange(partialElapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task B33_peers_outside_the_trusted_cidrs_are_closed_with_zero_bytes()
    {
        var header = ProxyHeaders.V2Tcp("203.0.113.1", 40000, "10.0.0.1", 443);
        await using (var untrusted = await StartAsync(trusted: "10.0.0.0/8"))
        {
            await AssertClosedWithZeroBytesAsync(Tls(untrusted, header));
        }

        await using var trusted = await StartAsync(trusted: "127.0.0.0/8");
        Assert.Equal(200, (await RawHttp.SendAsync(Tls(trusted, header), RawHttp.Get("/healthz", Domain))).Status);
    }

    public void Dispose() => _certs.Dispose();

    /// <summary>Writes the target's prefix, attempts TLS, and expects the relay to close having written nothing.</summary>
    private static async Task AssertClosedWithZeroBytesAsync(RelayTarget target)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = await target.ConnectAsync(cts.Token);
        await using var counting = new CountingStream(new System.Net.Sockets.NetworkStream(socket, ownsSocket: false));
        await using var ssl = new SslStream(counting, leaveInnerStreamOpen: true);
        var failure = await Record.ExceptionAsync(() => ssl.AuthenticateAsClientAsync(target.SslOptions(), cts.Token));
        Assert.True(failure is IOException or AuthenticationException, $"prefix {Convert.ToHexString(target.Prefix ?? [])}: {failure?.GetType().Name ?? "handshake succeeded"}");
        Assert.Equal(0, counting.BytesRead);
        var (bytes, _, _) = await RawHttp.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(5));
        Assert.Empty(bytes);
    }
}
