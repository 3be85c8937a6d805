using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// Scenarios A11 (second part), A13 (the insecure listener alone) and A18 (<c>1500ms</c>) with the real
/// host: each relay must serve, listen on exactly its ports, and exit 0 on SIGTERM with exactly its log lines.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class ServingProcessTests
{
    [Fact]
    public async Task A11_root_with_only_net_bind_service_starts_and_serves()
    {
        await using var relay = await LiveRelay.StartAsync(caps: Caps.NetBindServiceOnly);
        Assert.Equal("0000000000000400", ProcFs.Status(relay.Process.Pid, "CapEff"));
        Assert.StartsWith("0\t", ProcFs.Status(relay.Process.Pid, "Uid"), StringComparison.Ordinal);
        await ProcessBootAssert.ServesThenStopsCleanlyAsync(relay, "127.0.0.1:" + relay.Port, "127.0.0.1:" + relay.MetricsPort);
    }

    [Fact]
    public async Task A11_non_root_with_ambient_net_bind_service_binds_a_privileged_port()
    {
        // uid 65534 can bind a port below 1024 only through CAP_NET_BIND_SERVICE: that proves the relay kept it.
        Assert.Equal("1024", File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim());
        var port = RelayProcessRunner.FreePrivilegedPort();
        var metricsPort = RelayProcessRunner.FreePort();
        await using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen", "127.0.0.1:" + metricsPort], port, metricsPort,
            caps: Caps.NobodyWithNetBindService);
        Assert.Equal("65534\t65534\t65534\t65534", ProcFs.Status(relay.Process.Pid, "Uid"));
        Assert.Equal("0000000000000400", ProcFs.Status(relay.Process.Pid, "CapEff"));
        Assert.Equal("0000000000000400", ProcFs.Status(relay.Process.Pid, "CapAmb"));
        await ProcessBootAssert.ServesThenStopsCleanlyAsync(relay, "127.0.0.1:" + port, "127.0.0.1:" + metricsPort);
    }

    [Fact]
    public async Task A13_insecure_listener_alone_serves_on_all_interfaces_and_exits_0()
    {
        int port = RelayProcessRunner.FreePort(), metricsPort = RelayProcessRunner.FreePort();
        await using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", ":" + port, "--metrics-listen", "127.0.0.1:" + metricsPort], port, metricsPort);

        // ":<p>" is every interface, IPv4 and IPv6.
        var relaySockets = ProcFs.ListeningSockets(relay.Process.Pid).Where(e => e.Port == port).ToList();
        Assert.NotEmpty(relaySockets);
        Assert.All(relaySockets, e => Assert.True(e.Address.Equals(IPAddress.IPv6Any) || e.Address.Equals(IPAddress.Any), e.ToString()));
        using (var v6 = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            using var response = await v6.GetAsync(new Uri($"http://[::1]:{port}/healthz"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await ProcessBootAssert.ServesThenStopsCleanlyAsync(relay, ":" + port, "127.0.0.1:" + metricsPort);
    }

    [Fact]
    public async Task A18_grace_period_1500ms_starts_and_is_one_and_a_half_seconds()
    {
        await using var relay = await LiveRelay.StartAsync(["--grace-period", "1500ms"]);
        await using var binary = await relay.ConnectHolderAsync();
        var (phone, _) = await relay.ConnectRegisteredPhoneAsync();
        await using (phone)
        {
            // The watch starts before the close is sent: the grace cannot begin earlier, so 1.5 s (less a timer tick) is the lower
            // bound. (Started after CloseAsync it was not: ClientWebSocket's close waits up to 1 s for the server's
            // TCP FIN, and on a loaded CI machine that wait ate 0.9 s of the grace.)
            var watch = Stopwatch.StartNew();
            await binary.CloseAsync(WebSocketCloseStatus.NormalClosure, "restart");
            var (code, reason) = await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(6));
            var elapsed = watch.Elapsed;
            Assert.Equal((1000, ""), (code, reason));
            Assert.InRange(elapsed, TimeSpan.FromMilliseconds(1450), TimeSpan.FromMilliseconds(4000)); // timers may fire a tick early
            await phone.CloseAsync();
        }

        // The grace itself, on the relay's own clock: released → expired is 1.5 s (log stamps have 1 ms resolution).
        var released = await relay.WaitForLogAsync("server_released");
        var expired = await relay.WaitForLogAsync("server_grace_expired");
        Assert.Equal(["time", "level", "msg", "server_id"], expired.Keys);
        Assert.Equal("s1", expired["server_id"]);
        var grace = DateTimeOffset.Parse(expired["time"], CultureInfo.InvariantCulture) - DateTimeOffset.Parse(released["time"], CultureInfo.InvariantCulture);
        Assert.InRange(grace, TimeSpan.FromMilliseconds(1450), TimeSpan.FromMilliseconds(2500));
        await relay.WaitForCountsAsync(0, 0);
        var stopped = await relay.StopAsync();
        Assert.True(stopped.ExitCode == 0, stopped.StderrText);
        Assert.Equal(["INFO shutdown signal received; draining", "INFO shutdown complete"], stopped.LevelMsgs.TakeLast(2));
        Assert.DoesNotContain(stopped.Lines, l => l["level"] is "WARN" or "ERROR");
    }
}
