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
    [InlineData("   203.0.113.7   , 192.0.2.10", "203.0.113.7")]
    [InlineData("   , 198.51.100.4", "192.0.2.1")]
    [InlineData(" \t ", "192.0.2.1")]
    [InlineData("not an ip, 1.1.1.1", "not an ip")]
    [InlineData("2001:db8::5", "2001:db8::5")]
    public void Trusted_forwarded_for_first_entry_else_peer(string? xff, string expected)
    {
        var context = Context("::ffff:192.0.2.1", xff is null ? (StringValues?)null : new StringValues(xff));
        Assert.Equal(expected, ClientIp.RateLimitKey(context, trustForwardedFor: true));
    }

    [Fact]
    public void First_header_line_is_used_when_repeated()
    {
        var context = Context("192.0.2.1", new StringValues(["1.1.1.1", "2.2.2.2"]));
        Assert.Equal("1.1.1.1", ClientIp.RateLimitKey(context, trustForwardedFor: true));
    }

    [Fact]
    public void Untrusted_forwarded_for_is_ignored()
    {
        var context = Context("192.0.2.1", new StringValues("9.9.9.9"));
        Assert.Equal("192.0.2.1", ClientIp.RateLimitKey(context, trustForwardedFor: false));
        Assert.Equal("192.0.2.1", ClientIp.PeerIp(context));
    }

    [Fact]
    public void Remote_for_logs_is_the_peer_even_when_forwarded_for_is_trusted()
    {
        var context = Context("192.0.2.1", new StringValues("9.9.9.9"));
        Assert.Equal("9.9.9.9", ClientIp.RateLimitKey(context, trustForwardedFor: true));
        Assert.Equal("192.0.2.1", ClientIp.PeerIp(context));
    }

    [Fact]
    public void Unknown_peer_without_forwarded_value_gives_empty_key()
    {
        var context = Context(null, null);
        Assert.Equal("", ClientIp.RateLimitKey(context, trustForwardedFor: true));
        Assert.Equal("", ClientIp.RateLimitKey(context, trustForwardedFor: false));
    }

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
