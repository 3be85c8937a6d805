using PyrycodeRelay.Configuration;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class TlsChecksTests
{
    private static readonly RelayOptions Tls = new() { Domain = "relay.test" };
    private const string Message = "refusing to start: invalid TLS configuration";

    private static HashSet<string> Set(params string[] names) => [.. names];

    [Theory]
    [InlineData("c.pem", "")]
    [InlineData("", "k.pem")]
    public void Cert_and_key_files_go_together(string cert, string key)
    {
        var r = TlsChecks.Check(RelayMode.TlsAcme, Tls with { TlsCertFile = cert, TlsKeyFile = key }, Set("tls-cert-file", "tls-key-file"));
        RefusalAssert.Refused(r, Message, ("err", "relay: --tls-cert-file and --tls-key-file must be set together"), ("fix", null));
    }

    [Theory]
    [InlineData("relay: --tls-cert-file cannot be combined with --acme-directory", "acme-directory")]
    [InlineData("relay: --tls-cert-file cannot be combined with --acme-email", "acme-email")]
    [InlineData("relay: --tls-cert-file cannot be combined with --acme-ca-file", "acme-ca-file")]
    [InlineData("relay: --tls-cert-file cannot be combined with --acme-directory, --acme-ca-file", "acme-ca-file", "acme-directory")]
    public void Static_files_exclude_explicit_acme_flags(string err, params string[] acme)
    {
        var o = Tls with { TlsCertFile = "c.pem", TlsKeyFile = "k.pem" };
        var r = TlsChecks.Check(RelayMode.TlsStatic, o, Set([.. acme, "tls-cert-file", "tls-key-file"]));
        RefusalAssert.Refused(r, Message, ("err", err), ("fix", null));
    }

    [Fact]
    public void Static_files_with_default_acme_directory_pass()
    {
        var o = Tls with { TlsCertFile = "c.pem", TlsKeyFile = "k.pem" };
        Assert.Null(TlsChecks.Check(RelayMode.TlsStatic, o, Set("domain", "tls-cert-file", "tls-key-file")));
    }

    [Fact]
    public void Trusted_cidrs_require_proxy_protocol()
    {
        var o = Tls with { ProxyProtocolTrustedCidrs = "10.0.0.0/8" };
        RefusalAssert.Refused(TlsChecks.Check(RelayMode.TlsAcme, o, Set("proxy-protocol-trusted-cidrs")), Message,
            ("err", "relay: --proxy-protocol-trusted-cidrs requires --https-proxy-protocol"), ("fix", null));
        Assert.Null(TlsChecks.Check(RelayMode.TlsAcme, o with { HttpsProxyProtocol = true }, Set("proxy-protocol-trusted-cidrs", "https-proxy-protocol")));
    }

    [Theory]
    [InlineData(true, "", false, "relay: --https-proxy-protocol without --proxy-protocol-trusted-cidrs would accept PROXY headers from any peer")]
    [InlineData(true, " ", false, "relay: --https-proxy-protocol without --proxy-protocol-trusted-cidrs would accept PROXY headers from any peer")]
    [InlineData(false, "", true, "relay: --proxy-protocol-trust-all requires --https-proxy-protocol")]
    [InlineData(true, "10.0.0.0/8", true, "relay: --proxy-protocol-trust-all cannot be combined with --proxy-protocol-trusted-cidrs")]
    [InlineData(true, "", true, null)]
    [InlineData(true, "10.0.0.0/8", false, null)]
    [InlineData(false, "", false, null)]
    public void Proxy_protocol_names_its_trusted_peers_or_says_trust_all(bool proxy, string cidrs, bool trustAll, string? err)
    {
        var o = Tls with { HttpsProxyProtocol = proxy, ProxyProtocolTrustedCidrs = cidrs, ProxyProtocolTrustAll = trustAll };
        var r = TlsChecks.Check(RelayMode.TlsAcme, o, Set("https-proxy-protocol"));
        if (err is null)
        {
            Assert.Null(r);
            return;
        }

        RefusalAssert.Refused(r, Message, ("err", err), ("fix", null));
    }

    [Fact]
    public void Acme_with_acme_flags_passes_and_insecure_mode_is_not_checked()
    {
        Assert.Null(TlsChecks.Check(RelayMode.TlsAcme, Tls with { AcmeEmail = "a@b.c" }, Set("acme-email", "acme-directory", "acme-ca-file")));
        Assert.Null(TlsChecks.Check(RelayMode.Insecure, Tls with { TlsCertFile = "c.pem" }, Set("tls-cert-file")));
    }
}
