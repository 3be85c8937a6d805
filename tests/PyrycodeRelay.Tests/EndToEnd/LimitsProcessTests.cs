using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Scenario D 46 and docs/operations.md#client-ip against the real process listening on all interfaces (dual stack):
/// the exact stderr line of <c>rate_limited</c>, and peers rendered as dotted IPv4 (not IPv4-mapped IPv6) or
/// bare IPv6 in <c>remote</c>.
/// </summary>
[Collection(RelayProcessCollection.Name)]
public sealed partial class LimitsProcessTests
{
    [Fact]
    public async Task D46_rate_limited_line_and_peer_rendering_on_a_dual_stack_listener()
    {
        int port = RelayProcessRunner.FreePort(), metrics = RelayProcessRunner.FreePort();
        using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", $":{port}", "--metrics-listen", $"127.0.0.1:{metrics}", "--rate-limit-burst", "1", "--trust-x-forwarded-for"],
            new RelayTarget(port), "127.0.0.1", metrics);
        var request = RawHttp.Get("/v1/client", "127.0.0.1", "X-Forwarded-For: 1.2.3.4", "X-Pyrycode-Server: e2e-secret-sid",
            "X-Pyrycode-Token: SECRET-TOKEN", "User-Agent: UA-MARKER/1.0", "X-Pyrycode-Device-Name: DEVICE-MARKER");
        Assert.Equal(400, (await RawHttp.SendAsync(relay.Target, request)).Status);
        Assert.Equal(429, (await RawHttp.SendAsync(relay.Target, request)).Status);
        var line = await relay.Process.WaitForStderrAsync(l => l.Contains("msg=rate_limited", StringComparison.Ordinal));
        Assert.Matches(RateLimitedLine(), line);

        // An IPv4 client of the dual-stack socket is keyed and logged as dotted IPv4.
        Assert.Equal(400, (await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", "127.0.0.1"))).Status);
        Assert.Equal(429, (await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", "127.0.0.1"))).Status);
        var v4 = await relay.Process.WaitForStderrAsync(l => l.Contains("msg=rate_limited remote=\"\\\"127.", StringComparison.Ordinal));
        Assert.EndsWith(" level=WARN msg=rate_limited remote=\"\\\"127.0.0.1\\\"\"", v4, StringComparison.Ordinal);

        // An IPv6 peer has its own bucket (127.0.0.1's is empty), and is logged with the bare address.
        // (Only where the machine has IPv6 loopback; without it the listener is IPv4-only and this part does not apply.)
        if (Ipv6LoopbackAvailable())
        {
            using var ws = new System.Net.WebSockets.ClientWebSocket();
            foreach (var (k, v) in ClientHeaders.Binary("e2e-s46"))
            {
                ws.Options.SetRequestHeader(k, v);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await ws.ConnectAsync(new Uri($"ws://[::1]:{port}/v1/server"), cts.Token);
            var claimed = await relay.Process.WaitForStderrAsync(l => l.Contains("msg=server_claimed", StringComparison.Ordinal));
            Assert.EndsWith(" msg=server_claimed server_id=e2e-s46 binary_version=0.1.0-test remote=::1", claimed, StringComparison.Ordinal);
        }

        var (code, _, stderr) = await relay.StopAsync();
        Assert.Equal(0, code);
        foreach (var marker in new[] { "e2e-secret-sid", "SECRET-TOKEN", "UA-MARKER", "DEVICE-MARKER", "::ffff:" })
        {
            Assert.DoesNotContain(stderr, l => l.Contains(marker, StringComparison.Ordinal));
        }

        Assert.Equal(2, stderr.Count(l => l.Contains("msg=rate_limited", StringComparison.Ordinal)));
    }

    private static bool Ipv6LoopbackAvailable()
    {
        if (!System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            return false;
        }

        try
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.IPv6Loopback, 0);
            probe.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex("""^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=WARN msg=rate_limited remote="\\"1\.2\.3\.4\\""$""")]
    private static partial Regex RateLimitedLine();
}
