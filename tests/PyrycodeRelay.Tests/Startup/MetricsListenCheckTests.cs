using System.Net;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class MetricsListenCheckTests
{
    private const string Message = "refusing to start: invalid --metrics-listen address";
    private const string MustBe = "relay: metrics listener bind address must be a loopback IP literal: ";
    private const string NonLiteral = " has a non-IP-literal host (hostnames are rejected to avoid DNS-time TOCTOU; provide a loopback IP literal such as 127.0.0.1 or [::1])";

    [Theory]
    [InlineData("127.0.0.1:9090", "127.0.0.1", 9090)]
    [InlineData("127.0.0.5:9100", "127.0.0.5", 9100)]
    [InlineData("[::1]:9090", "::1", 9090)]
    public void Loopback_literals_pass(string value, string ip, int port)
    {
        Assert.Null(MetricsListenCheck.Check(value, out var e));
        Assert.Equal(new ListenEndpoint(value, ListenHostKind.IpLiteral, IPAddress.Parse(ip), port), e);
    }

    [Fact]
    public void Empty_disables_metrics()
    {
        Assert.Null(MetricsListenCheck.Check("", out var e));
        Assert.Null(e);
    }

    [Theory]
    [InlineData("localhost:9090")]
    [InlineData(":9090")]
    [InlineData("example.com:9090")]
    [InlineData("[localhost]:9090")]
    [InlineData("127.1:9090")]
    [InlineData("[127.0.0.1]:9090")]
    public void Non_literal_hosts_are_refused(string value)
    {
        RefusalAssert.Refused(MetricsListenCheck.Check(value, out _), Message,
            ("err", MustBe + "\"" + value + "\"" + NonLiteral), ("value", value), ("fix", null));
    }

    [Theory]
    [InlineData("0.0.0.0:9090", "0.0.0.0")]
    [InlineData("192.168.1.10:9090", "192.168.1.10")]
    [InlineData("[::]:9090", "::")]
    [InlineData("[::ffff:10.0.0.1]:9090", "10.0.0.1")]
    public void Non_loopback_ips_are_refused(string value, string ip)
    {
        RefusalAssert.Refused(MetricsListenCheck.Check(value, out _), Message,
            ("err", MustBe + "\"" + value + "\" resolves to non-loopback IP " + ip), ("value", value), ("fix", null));
    }

    [Theory]
    [InlineData("127.0.0.1", "missing port in address")]
    [InlineData("127.0.0.1:0", "port 0 is not permitted (ephemeral-port placeholder)")]
    [InlineData("127.0.0.1:70000", "port 70000 out of range (1-65535)")]
    [InlineData("127.0.0.1:x", "invalid port \"x\"")]
    public void Address_syntax_errors(string value, string detail)
    {
        RefusalAssert.Refused(MetricsListenCheck.Check(value, out _), Message,
            ("err", $"relay: parsing metrics listener address \"{value}\": {detail}"), ("value", value), ("fix", null));
    }

    [Fact]
    public void Spec_scenario_substring() =>
        Assert.Contains("must be a loopback IP literal", MetricsListenCheck.Check("localhost:9090", out _)!.Err, StringComparison.Ordinal);
}
