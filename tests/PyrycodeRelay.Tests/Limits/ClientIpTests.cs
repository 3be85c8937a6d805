using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PyrycodeRelay.Limits;

namespace PyrycodeRelay.Tests.Limits;

public class ClientIpTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("::1", "::1")]
    public void FormatPeer_renders_mapped_as_ipv4_and_ipv6_without_brackets(string address, string expected) =>
        Assert.Equal(expected, ClientIp.FormatPeer(IPAddress.Parse(address)));

    [Fact]
    public void FormatPeer_of_unknown_is_empty() => Assert.Equal("", ClientIp.FormatPeer(null));

    [Theory]
    [InlineData(null, "192.0.2.1")]
    [InlineData("", "192.0.2.1")]
    [InlineData("9.9.9.9", "9.9.9.9")]
    [InlineData("   203.0.113.7   , 192.0.2.10", "192.0.2.10")]
    [InlineData("   , 198.51.100.4", "198.51.100.4")]
    [InlineData("198.51.100.4,", "192.0.2.1")]
    [InlineData(" \t ", "192.0.2.1")]
    [InlineData("1.1.1.1, not an ip", "192.0.2.1")]
    [InlineData("not an ip, 1.1.1.1", "1.1.1.1")]
    [InlineData("010.1.1.1", "192.0.2.1")]
    [InlineData("[2001:db8::5]", "192.0.2.1")]
    [InlineData("1.2.3.4:80", "192.0.2.1")]
    [InlineData("2001:db8:1:2:aaaa::5", "2001:db8:1:2::/64")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    public void Trusted_forwarded_for_right_most_ip_literal_else_peer(string? xff, string expected)
    {
        var context = Context("::ffff:192.0.2.1", xff is null ? (StringValues?)null : new StringValues(xff));
        Assert.Equal(expected, ClientIp.RateLimitKey(context, ForwardedFor.RightMost));
    }

    [Fact]
    public void Repeated_headers_are_one_list_and_the_last_line_is_the_right_end()
    {
        var context = Context("192.0.2.1", new StringValues(["1.1.1.1", "2.2.2.2, 3.3.3.3"]));
        Assert.Equal("3.3.3.3", ClientIp.RateLimitKey(context, ForwardedFor.RightMost));
    }

    [Fact]
    public void Trusted_proxies_are_skipped_from_the_right_like_nginx_real_ip_recursive()
    {
        var proxies = ForwardedFor.Parse("10.0.0.0/8, fd00::/8");
        Assert.Equal("203.0.113.7", ClientIp.RateLimitKey(Context("10.0.0.1", new StringValues("6.6.6.6, 203.0.113.7, 10.1.1.1, 10.2.2.2")), proxies));
        Assert.Equal("203.0.113.7", ClientIp.RateLimitKey(Context("10.0.0.1", new StringValues(["203.0.113.7", "fd00::1"])), proxies));
        // Every entry is a trusted proxy: the left-most is the client.
        Assert.Equal("10.9.9.9", ClientIp.RateLimitKey(Context("10.0.0.1", new StringValues("10.9.9.9, 10.1.1.1")), proxies));
        // A peer outside the trusted proxies did not come through them: the header is ignored.
        Assert.Equal("192.0.2.1", ClientIp.RateLimitKey(Context("192.0.2.1", new StringValues("203.0.113.7")), proxies));
        // An entry that is not an IP literal ends the walk with the peer.
        Assert.Equal("10.0.0.1", ClientIp.RateLimitKey(Context("10.0.0.1", new StringValues("203.0.113.7, junk, 10.1.1.1")), proxies));
    }

    [Fact]
    public void Untrusted_forwarded_for_is_ignored()
    {
        var context = Context("192.0.2.1", new StringValues("9.9.9.9"));
        Assert.Equal("192.0.2.1", ClientIp.RateLimitKey(context, null));
        Assert.Equal("192.0.2.1", ClientIp.PeerIp(context));
    }

    [Fact]
    public void Remote_for_logs_is_the_peer_even_when_forwarded_for_is_trusted()
    {
        var context = Context("192.0.2.1", new StringValues("9.9.9.9"));
        Assert.Equal("9.9.9.9", ClientIp.RateLimitKey(context, ForwardedFor.RightMost));
        Assert.Equal("192.0.2.1", ClientIp.PeerIp(context));
    }

    [Fact]
    public void Unknown_peer_without_forwarded_value_gives_empty_key()
    {
        var context = Context(null, null);
        Assert.Equal("", ClientIp.RateLimitKey(context, ForwardedFor.RightMost));
        Assert.Equal("", ClientIp.RateLimitKey(context, null));
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    public void Source_key_is_the_ipv4_address_or_the_ipv6_64(string address, string expected) =>
        Assert.Equal(expected, SourceKey.For(IPAddress.Parse(address)));

    [Theory]
    [InlineData("1.2.3.4", "\"1.2.3.4\"")]
    [InlineData("", "\"\"")]
    public void Rate_limited_remote_is_the_key_in_double_quotes(string key, string expected) =>
        Assert.Equal(expected, ClientIp.QuoteForRateLimitLog(key));

    private static DefaultHttpContext Context(string? peer, StringValues? xff)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = peer is null ? null : IPAddress.Parse(peer);
        if (xff is { } value)
        {
            context.Request.Headers[ClientIp.ForwardedForHeader] = value;
        }

        return context;
    }
}
