using System.Net;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Tests.GoCompat;

public class IpLiteralTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00::1:2")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("2001:DB8::1")]
    public void Accepts_go_literals(string text) => Assert.True(IpLiteral.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10.1")]
    [InlineData("127.1")]
    [InlineData("010.0.0.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.")]
    [InlineData("[::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("::1/128")]
    [InlineData("localhost")]
    [InlineData("::ffff:1.2.3")]
    [InlineData(" 1.2.3.4")]
    public void Rejects_everything_else(string text) => Assert.False(IpLiteral.TryParse(text, out _));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.5", true)]
    [InlineData("127.255.255.254", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("128.0.0.1", false)]
    [InlineData("::", false)]
    [InlineData("::2", false)]
    [InlineData("192.168.1.10", false)]
    public void Loopback_is_127_slash_8_or_ipv6_one(string text, bool loopback) =>
        Assert.Equal(loopback, IpLiteral.IsLoopback(IPAddress.Parse(text)));

    [Fact]
    public void Formats_mapped_addresses_as_ipv4() =>
        Assert.Equal("10.0.0.1", IpLiteral.Format(IPAddress.Parse("::ffff:10.0.0.1")));
}
