using System.Net;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;
using PyrycodeRelay.Limits.ProxyProtocol;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Limits.ProxyProtocol;

public class TrustedCidrsTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.9.9.9", true)]
    [InlineData("10.0.0.0/8", "::1", false)]
    [InlineData("127.0.0.0/8", "127.0.0.1", true)]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.0/8, 192.0.2.0/24", "192.0.2.200", true)]
    [InlineData("2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("2001:db8::/32", "2001:db9::5", false)]
    [InlineData("10.0.0.1/8", "10.200.0.1", true)]   // host bits ignored, as Go's net.ParseCIDR
    [InlineData("0.0.0.0/0", "203.0.113.1", true)]
    [InlineData("192.0.2.7/32", "192.0.2.7", true)]
    [InlineData("192.0.2.7/32", "192.0.2.8", false)]
    public void Allows_matches_the_networks(string list, string peer, bool expected)
    {
        Assert.True(TrustedCidrs.TryParse(list, out var cidrs, out var error), error);
        Assert.Equal(expected, cidrs.Allows(IPAddress.Parse(peer)));
        Assert.Equal(expected, cidrs.Allows(new IPEndPoint(IPAddress.Parse(peer), 1)));
    }

    [Fact]
    public void Empty_list_allows_everyone()
    {
        Assert.True(TrustedCidrs.TryParse("", out var cidrs, out _));
        Assert.True(cidrs.IsEmpty);
        Assert.True(cidrs.Allows(IPAddress.Parse("203.0.113.1")));
        Assert.True(cidrs.Allows((EndPoint?)null));
    }

    [Fact]
    public void Non_ip_peer_is_not_allowed_by_a_non_empty_list()
    {
        Assert.True(TrustedCidrs.TryParse("10.0.0.0/8", out var cidrs, out _));
        Assert.False(cidrs.Allows((EndPoint?)null));
        Assert.False(cidrs.Allows(new DnsEndPoint("localhost", 1)));
    }

    [Theory]
    [InlineData("10.0.0.0/33", "10.0.0.0/33")]
    [InlineData("10.0.0.0/8,10.0.0.0/33", "10.0.0.0/33")]
    [InlineData("10.0.0.0", "10.0.0.0")]
    [InlineData("10/8", "10/8")]
    [InlineData("10.0.0.0/", "10.0.0.0/")]
    [InlineData("10.0.0.0/-1", "10.0.0.0/-1")]
    [InlineData("10.0.0.0/8x", "10.0.0.0/8x")]
    [InlineData("::/129", "::/129")]
    [InlineData("example.com/8", "example.com/8")]
    [InlineData("10.0.0.0/8,", "")]
    [InlineData("   ", "")]
    [InlineData("::ffff:010.0.0.1/128", "::ffff:010.0.0.1/128")]
    public void Invalid_entry_gives_the_boot_error_text(string list, string entry)
    {
        Assert.False(TrustedCidrs.TryParse(list, out _, out var error));
        Assert.Equal($"relay: invalid CIDR \"{entry}\"", error);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.0.0.0/0000000008")]
    [InlineData("   ")]
    [InlineData("10.0.0.0/8,")]
    [InlineData("::ffff:010.0.0.1/128")]
    [InlineData("::ffff:10.0.0.1/128")]
    [InlineData("10.0.0.0/8\t")]
    [InlineData("a\"b/8")]
    public void Runtime_parse_agrees_with_boot_validation(string list)
    {
        // Boot refuses exactly the values the runtime cannot build, with the same error text.
        var bootError = CidrList.TryParse(list, out _);
        var parsed = TrustedCidrs.TryParse(list, out _, out var runtimeError);
        Assert.Equal(bootError is null, parsed);
        Assert.Equal(bootError, runtimeError);
        var refusal = FlagRules.CheckValueRules(new RelayOptions { ProxyProtocolTrustedCidrs = list });
        Assert.Equal(bootError, refusal?.Err);
    }
}
