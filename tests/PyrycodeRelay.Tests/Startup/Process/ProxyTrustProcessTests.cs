namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// Issue 13 finding 8 with the built relay: PROXY mode without trusted CIDRs is refused at boot (exit 2, one ERROR line
/// with a <c>fix</c>) unless <c>--proxy-protocol-trust-all</c> says so explicitly.
/// </summary>
[Collection(RelayProcessCollection.Name)]
public class ProxyTrustProcessTests
{
    private static string[] TlsArgs(params string[] extra) =>
    [
        "--domain", "relay.test", "--https-listen", $"127.0.0.1:{RelayProcessRunner.FreePort()}",
        "--http-listen", $"127.0.0.1:{RelayProcessRunner.FreePort()}", "--metrics-listen=", .. extra,
    ];

    [Fact]
    public async Task Proxy_protocol_without_trusted_cidrs_refuses_to_start_with_a_fix()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid TLS configuration", TlsArgs("--https-proxy-protocol"));
        Assert.Equal(["time", "level", "msg", "err", "fix"], error.Keys);
        Assert.Equal("relay: --https-proxy-protocol without --proxy-protocol-trusted-cidrs would accept PROXY headers from any peer", error["err"]);
        Assert.Contains("--proxy-protocol-trusted-cidrs", error["fix"], StringComparison.Ordinal);
        Assert.Contains("--proxy-protocol-trust-all", error["fix"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--proxy-protocol-trust-all")]
    [InlineData("--proxy-protocol-trusted-cidrs", "10.0.0.0/8")]
    public async Task Trusted_cidrs_or_an_explicit_trust_all_pass_the_tls_checks(params string[] trust)
    {
        // An invalid environment switch refuses at the next step (10): the TLS checks of step 9 were passed.
        var env = new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = "true" };
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid env-var config", TlsArgs(["--https-proxy-protocol", .. trust]), env);
        Assert.Equal("PYRYCODE_RELAY_PRODUCTION", error["env_var"]);
    }

    [Fact]
    public async Task Trust_all_with_trusted_cidrs_is_contradictory()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid TLS configuration",
            TlsArgs("--https-proxy-protocol", "--proxy-protocol-trust-all", "--proxy-protocol-trusted-cidrs", "10.0.0.0/8"));
        Assert.Equal("relay: --proxy-protocol-trust-all cannot be combined with --proxy-protocol-trusted-cidrs", error["err"]);
    }

    [Fact]
    public async Task Trust_all_is_a_tls_flag_in_insecure_mode()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync(
            "refusing to start: --insecure-listen is mutually exclusive with TLS and PROXY-protocol flags",
            [.. RelayProcessRunner.InsecureArgs(), "--proxy-protocol-trust-all"]);
        Assert.Contains("--proxy-protocol-trust-all", error["err"], StringComparison.Ordinal);
    }
}
