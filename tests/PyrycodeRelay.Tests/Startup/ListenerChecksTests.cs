using PyrycodeRelay.Configuration;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class ListenerChecksTests
{
    private static ListenEndpoint Metrics(int port)
    {
        Assert.Null(MetricsListenCheck.Check("127.0.0.1:" + port, out var e));
        return e!;
    }

    [Fact]
    public void Insecure_mode_expects_its_port_and_the_metrics_port()
    {
        var o = new RelayOptions { InsecureListen = "127.0.0.1:8080" };
        Assert.Null(ListenerChecks.ResolveListeners(o, RelayMode.Insecure, Metrics(9090), out var set));
        Assert.Equal([8080, 9090], set!.ExpectedPorts);
        Assert.Equal(8080, set.Insecure!.Port);
        Assert.Null(set.Https);
        Assert.Null(set.Http);
        Assert.Equal(9090, set.Metrics!.Port);
    }

    [Fact]
    public void Tls_mode_expects_https_http_and_metrics_ports_ascending()
    {
        var o = new RelayOptions { Domain = "relay.test", HttpsListen = ":8443", HttpListen = ":5002", InsecureListen = "" };
        Assert.Null(ListenerChecks.ResolveListeners(o, RelayMode.TlsAcme, Metrics(9090), out var set));
        Assert.Equal([5002, 8443, 9090], set!.ExpectedPorts);
        Assert.Null(ListenerChecks.ResolveListeners(o, RelayMode.TlsStatic, null, out set));
        Assert.Equal([5002, 8443], set!.ExpectedPorts);
        Assert.Null(set.Insecure);
    }

    [Theory]
    [InlineData("443", "relay: parsing listener address \"443\": missing port in address")]
    [InlineData(":0", "relay: parsing listener address \":0\": port 0 is not permitted (ephemeral-port placeholder)")]
    public void Bad_insecure_address_is_refused_with_addr(string addr, string err)
    {
        var r = ListenerChecks.ResolveListeners(new RelayOptions { InsecureListen = addr }, RelayMode.Insecure, null, out var set);
        Assert.Null(set);
        RefusalAssert.Refused(r, "refusing to start: invalid listener address", ("err", err), ("addr", addr));
    }

    [Fact]
    public void Tls_addresses_are_checked_https_first()
    {
        var o = new RelayOptions { Domain = "d", HttpsListen = "x", HttpListen = "y" };
        Assert.Equal("x", ListenerChecks.ResolveListeners(o, RelayMode.TlsAcme, null, out _)!.Field("addr"));
        Assert.Equal("y", ListenerChecks.ResolveListeners(o with { HttpsListen = ":443" }, RelayMode.TlsAcme, null, out _)!.Field("addr"));
        Assert.Equal("", ListenerChecks.ResolveListeners(o with { HttpsListen = "" }, RelayMode.TlsAcme, null, out _)!.Field("addr"));
        Assert.Equal("relay: listener address is empty", ListenerChecks.ResolveListeners(o with { HttpsListen = "" }, RelayMode.TlsAcme, null, out _)!.Err);
    }

    [Fact]
    public void Ports_outside_the_expected_set_are_refused()
    {
        var r = ListenerChecks.CheckPortAllowlist([443, 5000, 80, 9090, 22, 5000], [9090, 443, 80]);
        RefusalAssert.Refused(r, "refusing to start: unexpected listener",
            ("err", "relay: process is about to bind a TCP port outside the expected set: unexpected ports [22 5000]; expected ports [80 443 9090]"),
            ("unexpected_ports", new[] { 22, 5000 }),
            ("expected_ports", new[] { 80, 443, 9090 }));
    }

    [Fact]
    public void Missing_ports_are_fine()
    {
        Assert.Null(ListenerChecks.CheckPortAllowlist([8080], [8080, 9090]));
        Assert.Null(ListenerChecks.CheckPortAllowlist([], [8080]));
    }

    [Fact]
    public void Formats_port_lists_like_go() => Assert.Equal("[80 443]", ListenerChecks.FormatPorts([80, 443]));
}
