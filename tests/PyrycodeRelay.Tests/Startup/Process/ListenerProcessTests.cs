using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// Scenarios A16 (metrics on loopback literals, metrics off) and A20 (framework URL settings ignored) with
/// the real host, and listeners that cannot bind (in use, no permission, address not local;
/// docs/operations.md#boot-sequence step 24, docs/operations.md#shutdown: ERROR lines and exit 1, never a crash).
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class ListenerProcessTests
{
    [Theory]
    [InlineData("127.0.0.5")]
    [InlineData("::1")]
    public async Task A16_metrics_on_a_loopback_literal_serve_metrics(string ip)
    {
        var address = IPAddress.Parse(ip);
        var port = RelayProcessRunner.FreePort();
        var metricsPort = RelayProcessRunner.FreePort(address);
        var metricsListen = (address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip) + ":" + metricsPort;
        await using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen", metricsListen], port, metricsPort);

        Assert.Contains(new IPEndPoint(address, metricsPort), ProcFs.ListeningSockets(relay.Process.Pid));
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            using var response = await http.GetAsync(new Uri($"http://{metricsListen}/metrics"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
            Assert.Contains("\npyrycode_relay_connected_binaries 0\n", body, StringComparison.Ordinal);
        }

        await ProcessBootAssert.ServesThenStopsCleanlyAsync(relay, "127.0.0.1:" + port, metricsListen);
    }

    [Fact]
    public async Task A16_empty_metrics_listen_opens_no_metrics_port()
    {
        await using var relay = await LiveRelay.StartAsync(metrics: false);
        // ServesThenStopsCleanlyAsync checks that the relay port is the only listening socket and that no
        // "starting metrics listener" line is logged.
        await ProcessBootAssert.ServesThenStopsCleanlyAsync(relay, "127.0.0.1:" + relay.Port, metricsListen: null);
    }

    [Fact]
    public async Task A20_framework_url_settings_open_no_port()
    {
        int q1 = RelayProcessRunner.FreePort(), q2 = RelayProcessRunner.FreePort(), q3 = RelayProcessRunner.FreePort(), q4 = RelayProcessRunner.FreePort();
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{q1}",
            ["ASPNETCORE_HTTP_PORTS"] = q2.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ASPNETCORE_HTTPS_PORTS"] = q3.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DOTNET_URLS"] = $"http://127.0.0.1:{q4}",
            ["DOTNET_HTTP_PORTS"] = q2.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ASPNETCORE_Kestrel__Endpoints__Extra__Url"] = $"http://127.0.0.1:{q1}",
        };
        await using var relay = await LiveRelay.StartAsync(env: env);
        foreach (var q in (int[])[q1, q2, q3, q4])
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var e = await Assert.ThrowsAsync<SocketException>(async () => await probe.ConnectAsync(IPAddress.Loopback, q));
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
        }

        // Also checks that the process listens on exactly its relay and metrics ports.
        await ProcessBootAssert.ServesThenStopsCleanlyAsync(relay, "127.0.0.1:" + relay.Port, "127.0.0.1:" + relay.MetricsPort);
    }

    [Fact]
    public async Task Relay_port_in_use_logs_listener_failed_and_exits_1()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var failed = await ListenerFailsAsync("127.0.0.1:" + port, "127.0.0.1:" + RelayProcessRunner.FreePort());
        Assert.Equal("127.0.0.1:" + port, failed["addr"]);
        AssertNamesTheCause(failed);
    }

    [Fact]
    public async Task Metrics_port_in_use_logs_listener_failed_for_the_metrics_address()
    {
        // The relay port's text is a prefix of the metrics port's (":4321" / ":43217"), so the failing
        // listener must be identified exactly, not by a substring of the error message.
        var (port, metricsPort) = PrefixPortPair();
        using var squatter = new TcpListener(IPAddress.Loopback, metricsPort);
        squatter.Start();
        var failed = await ListenerFailsAsync("127.0.0.1:" + port, "127.0.0.1:" + metricsPort);
        Assert.Equal("127.0.0.1:" + metricsPort, failed["addr"]);
        AssertNamesTheCause(failed);
    }

    [Fact]
    public async Task Privileged_port_without_net_bind_service_logs_listener_failed_and_exits_1()
    {
        // uid 65534 with no capability cannot bind below 1024 (a container without --cap-add=NET_BIND_SERVICE).
        var port = RelayProcessRunner.FreePrivilegedPort();
        var failed = await ListenerFailsAsync("127.0.0.1:" + port, "127.0.0.1:" + RelayProcessRunner.FreePort(),
            ["--reuid=65534", "--regid=65534", "--clear-groups"]);
        Assert.Equal("127.0.0.1:" + port, failed["addr"]);
        Assert.EndsWith("bind: permission denied", failed["err"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Address_not_on_this_host_logs_listener_failed_and_exits_1()
    {
        var listen = "192.0.2.1:" + RelayProcessRunner.FreePort(); // TEST-NET-1: assigned to no interface here
        var failed = await ListenerFailsAsync(listen, "127.0.0.1:" + RelayProcessRunner.FreePort());
        Assert.Equal(listen, failed["addr"]);
        Assert.EndsWith("bind: cannot assign requested address", failed["err"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_port_equal_to_the_relay_port_fails_at_bind_time_with_exit_1()
    {
        var port = RelayProcessRunner.FreePort();
        var failed = await ListenerFailsAsync("127.0.0.1:" + port, "127.0.0.1:" + port);
        Assert.Equal("127.0.0.1:" + port, failed["addr"]);
        AssertNamesTheCause(failed);
    }

    /// <summary>
    /// Starts a relay whose bind fails: after the boot lines, ERROR <c>listener failed</c> (<c>addr</c>,
    /// <c>err</c>) then ERROR <c>listener error; draining</c>; exit 1. Returns the failure line.
    /// </summary>
    private static async Task<LogfmtLine> ListenerFailsAsync(string listen, string metricsListen, string[]? extraSetpriv = null)
    {
        using var relay = RelayProcessRunner.Start(["--insecure-listen", listen, "--metrics-listen", metricsListen], extraSetpriv: extraSetpriv);
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        var all = string.Join("\n", stderr);
        Assert.True(code == 1, $"exit {code}; stderr:\n{all}");
        Assert.Equal("", stdout);
        var lines = stderr.Select(LogfmtLine.Parse).ToList();
        Assert.Equal(
            ["INFO push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset", "INFO starting", "INFO starting metrics listener",
                "ERROR listener failed", "ERROR listener error; draining"],
            lines.Select(l => l.LevelMsg).Where(m => m != "INFO shutdown complete"));
        var failed = lines[3];
        Assert.Equal(["time", "level", "msg", "addr", "err"], failed.Keys);
        Assert.Equal(["time", "level", "msg"], lines[4].Keys);
        return failed;
    }

    /// <summary>The <c>err</c> of a bind failure names the cause, as Go's <c>listen tcp …: bind: address already in use</c>.</summary>
    private static void AssertNamesTheCause(LogfmtLine failed) =>
        Assert.EndsWith("bind: address already in use", failed["err"], StringComparison.Ordinal);

    /// <summary>Two free ports p and q on 127.0.0.1 where q = 10·p + d, so ":p" is a prefix of ":q".</summary>
    private static (int Port, int MetricsPort) PrefixPortPair()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var p = 2000 + Random.Shared.Next(4500);
            var q = p * 10 + Random.Shared.Next(10);
            if (IsFree(p) && IsFree(q))
            {
                return (p, q);
            }
        }

        throw new InvalidOperationException("no free port pair");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
