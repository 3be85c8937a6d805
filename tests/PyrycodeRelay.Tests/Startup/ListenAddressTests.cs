using System.Net;
using PyrycodeRelay.GoCompat;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class ListenAddressTests
{
    [Theory]
    [InlineData(":443", ListenHostKind.AllInterfaces, null, 443)]
    [InlineData("127.0.0.1:8080", ListenHostKind.IpLiteral, "127.0.0.1", 8080)]
    [InlineData("[::1]:443", ListenHostKind.IpLiteral, "::1", 443)]
    [InlineData("0.0.0.0:9000", ListenHostKind.IpLiteral, "0.0.0.0", 9000)]
    [InlineData("localhost:80", ListenHostKind.Localhost, null, 80)]
    [InlineData(":65535", ListenHostKind.AllInterfaces, null, 65535)]
    [InlineData(":1", ListenHostKind.AllInterfaces, null, 1)]
    [InlineData("[fe80::1]:8443", ListenHostKind.IpLiteral, "fe80::1", 8443)]
    [InlineData("[::ffff:10.0.0.1]:80", ListenHostKind.IpLiteral, "::ffff:10.0.0.1", 80)]
    public void Accepted_forms(string addr, object kindValue, string? ip, int port)
    {
        var kind = (ListenHostKind)kindValue;
        Assert.True(ListenAddress.TryParse(addr, out var e, out var err), err);
        Assert.Equal(new ListenEndpoint(addr, kind, ip is null ? null : IPAddress.Parse(ip), port), e);
    }

    [Fact]
    public void Empty_address() => AssertError("", "relay: listener address is empty");

    [Theory]
    [InlineData("443", "missing port in address")]
    [InlineData("127.0.0.1", "missing port in address")]
    [InlineData(":0", "port 0 is not permitted (ephemeral-port placeholder)")]
    [InlineData("127.0.0.1:0", "port 0 is not permitted (ephemeral-port placeholder)")]
    [InlineData(":99999", "port 99999 out of range (1-65535)")]
    [InlineData(":65536", "port 65536 out of range (1-65535)")]
    [InlineData(":notaport", "invalid port \"notaport\"")]
    [InlineData(":-1", "port -1 is negative")]
    [InlineData(":", "missing port number")]
    [InlineData("::1:443", "too many colons in address")]
    [InlineData("[::1]", "missing port in address")]
    [InlineData("[::1:443", "missing ']' in address")]
    [InlineData("example.com:443", "unsupported host \"example.com\" (want empty, an IPv4 literal, a bracketed IPv6 literal or localhost)")]
    [InlineData("[127.0.0.1]:443", "unsupported host \"127.0.0.1\" (want empty, an IPv4 literal, a bracketed IPv6 literal or localhost)")]
    [InlineData("10.0.0:443", "unsupported host \"10.0.0\" (want empty, an IPv4 literal, a bracketed IPv6 literal or localhost)")]
    [InlineData("[fe80::1%eth0]:443", "unsupported host \"fe80::1%eth0\" (want empty, an IPv4 literal, a bracketed IPv6 literal or localhost)")]
    public void Rejected_forms(string addr, string detail) =>
        AssertError(addr, $"relay: parsing listener address {GoQuote.Quote(addr)}: {detail}");

    private static void AssertError(string addr, string expected)
    {
        Assert.False(ListenAddress.TryParse(addr, out var e, out var err));
        Assert.Null(e);
        Assert.Equal(expected, err);
    }
}
