using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Tls;

public sealed class DomainNameTests
{
    [Theory]
    [InlineData("relay.example.com", true)]
    [InlineData("RELAY.Example.COM", true)]
    [InlineData("relay.example.com.", true)]
    [InlineData("evil.example.com", false)]
    [InlineData("relay.example.com.evil.com", false)]
    [InlineData("xrelay.example.com", false)]
    [InlineData("relay.example.co", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("relay.example.\u0131com", false)]
    public void Sni_policy(string? sni, bool expected) =>
        Assert.Equal(expected, DomainName.SniMatches(sni, "relay.example.com"));

    [Fact]
    public void Sni_policy_ignores_a_trailing_dot_on_the_domain() =>
        Assert.True(DomainName.SniMatches("relay.example.com", "relay.example.com."));

    [Theory]
    [InlineData("relay.example.com", true)]
    [InlineData("relay.example.com:8443", true)]
    [InlineData("relay.example.com:", true)]
    [InlineData("RELAY.EXAMPLE.COM", true)]
    [InlineData("Relay.Example.Com:443", true)]
    [InlineData("evil.com", false)]
    [InlineData("", false)]
    [InlineData("relay.example.com.evil.com", false)]
    [InlineData("relay.example.com.evil.com:443", false)]
    [InlineData("relay.example.com.", false)]
    [InlineData("[::1]:443", false)]
    [InlineData("relay.example.com:1:2", false)]
    [InlineData("relay.example.\u212Aom", false)]
    public void Host_gate_match(string host, bool expected) =>
        Assert.Equal(expected, DomainName.HostMatches(host, "relay.example.com"));

    [Theory]
    [InlineData("Relay.Example.COM.", "relay.example.com")]
    [InlineData("relay.test", "relay.test")]
    public void Normalize_lowercases_ascii_and_drops_one_trailing_dot(string input, string expected) =>
        Assert.Equal(expected, DomainName.Normalize(input));
}
