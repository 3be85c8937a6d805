using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenario O 107 (docs/protocol.md#defaults) and docs/operations.md#http-timeouts: a stalled request header block is cut off; others are served.</summary>
public sealed class SlowHeaderTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(2)]
    public async Task O107_a_partial_header_block_is_closed_after_the_header_timeout_without_running_an_endpoint(int seconds)
    {
        var options = TestRelay.Insecure() with { RateLimitBurst = 1, RequestHeadersTimeout = TimeSpan.FromSeconds(seconds) };
        await using var relay = await TestRelay.StartAsync(options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var slow = await relay.Target.ConnectAsync(cts.Token);
        await slow.SendAsync(Encoding.ASCII.GetBytes("GET /v1/server HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pyrycode-Server: e2e-s1\r\nX-Pyry"), SocketFlags.None, cts.Token);
        var closed = RawHttp.ReadUntilClosedAsync(slow, TimeSpan.FromSeconds(seconds + 5));

        // Meanwhile another client is served at once.
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(200, (await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", "127.0.0.1"))).Status);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(seconds * 0.75), $"healthz took {sw.Elapsed}"); // blocked, it would take `seconds`

        var (bytes, elapsed, _) = await closed;
        Assert.InRange(elapsed, TimeSpan.FromSeconds(seconds - 1), TimeSpan.FromSeconds(seconds + 3)); // upper: Kestrel checks once a second, plus a loaded machine
        var text = Encoding.ASCII.GetString(bytes);
        // Kestrel answers its header timeout with a body-less 408 before closing; the spec only requires the close.
        Assert.True(text.Length == 0 || (text.StartsWith("HTTP/1.1 408 Request Timeout\r\n", StringComparison.Ordinal)
            && text.EndsWith("\r\n\r\n", StringComparison.Ordinal) && text.Contains("\r\nContent-Length: 0\r\n", StringComparison.Ordinal)), $"received: {text}");

        // No endpoint ran: nothing logged, no metric, and the single rate-limit token is still there.
        Assert.Empty(relay.Logs.Entries);
        await relay.ExpectMetricsAsync(new() { ["pyrycode_relay_ws_upgrade_attempts_total"] = [] });
        Assert.Equal(400, (await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", "127.0.0.1"))).Status);
    }

    [Fact]
    public async Task Silent_connections_to_every_listener_are_closed_after_the_header_timeout()
    {
        using var certs = new StaticCerts("relay.example.com");
        await using var insecure = await TestRelay.StartAsync(TestRelay.Insecure());
        await using var tls = await TestRelay.StartAsync(TestRelay.Static("relay.example.com", certs.CertFile, certs.KeyFile));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int[] ports = [insecure.Port, insecure.Host.MetricsPort, tls.Host.HttpPort, tls.Host.MetricsPort];
        var sockets = new List<Socket>();
        foreach (var port in ports)
        {
            sockets.Add(await new RelayTarget(port).ConnectAsync(cts.Token));
        }

        var closes = sockets.Select(s => RawHttp.ReadUntilClosedAsync(s, TimeSpan.FromSeconds(10))).ToList();
        for (var i = 0; i < ports.Length; i++)
        {
            var (bytes, elapsed, _) = await closes[i];
            Assert.True(bytes.Length == 0, $"port #{i} sent {bytes.Length} bytes");
            Assert.InRange(elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
            sockets[i].Dispose();
        }
    }

    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { KeepAliveTimeout = TimeSpan.FromSeconds(3) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = await relay.Target.ConnectAsync(cts.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        Assert.Equal(200, (await RawHttp.ExchangeAsync(stream, RawHttp.Get("/healthz", "127.0.0.1"), cts.Token)).Status);
        var (bytes, elapsed, _) = await RawHttp.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(10));
        Assert.Empty(bytes);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6));
    }
}
