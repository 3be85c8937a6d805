using PyrycodeRelay.Configuration;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class ModeChecksTests
{
    [Fact]
    public void No_domain_and_no_insecure_listen_is_refused_without_fields()
    {
        var r = ModeChecks.SelectMode(new RelayOptions(), out _);
        RefusalAssert.Refused(r, "either --domain (for autocert) or --insecure-listen (for behind-proxy mode) must be set");
    }

    [Fact]
    public void Insecure_listen_wins_over_domain()
    {
        Assert.Null(ModeChecks.SelectMode(new RelayOptions { InsecureListen = ":8080", Domain = "relay.test" }, out var mode));
        Assert.Equal(RelayMode.Insecure, mode);
    }

    [Fact]
    public void Domain_selects_acme_or_static_files()
    {
        Assert.Null(ModeChecks.SelectMode(new RelayOptions { Domain = "relay.test" }, out var acme));
        Assert.Equal(RelayMode.TlsAcme, acme);
        Assert.Null(ModeChecks.SelectMode(new RelayOptions { Domain = "relay.test", TlsCertFile = "c", TlsKeyFile = "k" }, out var stat));
        Assert.Equal(RelayMode.TlsStatic, stat);
    }

    [Theory]
    [InlineData("http-listen")]
    [InlineData("https-listen")]
    [InlineData("https-proxy-protocol")]
    public void Insecure_mode_refuses_explicit_tls_listener_flags(string flag)
    {
        var r = ModeChecks.CheckInsecureListenerFlags(RelayMode.Insecure, new HashSet<string> { "insecure-listen", flag });
        RefusalAssert.Refused(r,
            "refusing to start: --insecure-listen is mutually exclusive with --http-listen / --https-listen / --https-proxy-protocol",
            ("fix", null));
        Assert.False(string.IsNullOrWhiteSpace(r!.Field("fix") as string));
    }

    [Fact]
    public void Listener_flags_are_fine_when_not_explicit_or_in_tls_mode()
    {
        Assert.Null(ModeChecks.CheckInsecureListenerFlags(RelayMode.Insecure, new HashSet<string> { "insecure-listen", "domain", "cert-cache", "metrics-listen" }));
        Assert.Null(ModeChecks.CheckInsecureListenerFlags(RelayMode.TlsAcme, new HashSet<string> { "http-listen", "https-listen", "https-proxy-protocol" }));
    }

    [Theory]
    [InlineData("relay: --insecure-listen cannot be combined with --acme-directory", "acme-directory")]
    [InlineData("relay: --insecure-listen cannot be combined with --acme-email", "acme-email")]
    [InlineData("relay: --insecure-listen cannot be combined with --acme-ca-file", "acme-ca-file")]
    [InlineData("relay: --insecure-listen cannot be combined with --tls-cert-file", "tls-cert-file")]
    [InlineData("relay: --insecure-listen cannot be combined with --tls-key-file", "tls-key-file")]
    [InlineData("relay: --insecure-listen cannot be combined with --proxy-protocol-trusted-cidrs", "proxy-protocol-trusted-cidrs")]
    [InlineData("relay: --insecure-listen cannot be combined with --acme-email, --tls-key-file", "tls-key-file", "acme-email")]
    public void Insecure_mode_refuses_explicit_tls_and_proxy_flags(string err, params string[] flags)
    {
        var r = ModeChecks.CheckInsecureTlsFlags(RelayMode.Insecure, new HashSet<string>(flags));
        RefusalAssert.Refused(r, "refusing to start: --insecure-listen is mutually exclusive with TLS and PROXY-protocol flags",
            ("err", err), ("fix", null));
    }

    [Fact]
    public void Tls_flags_are_fine_in_tls_mode()
    {
        Assert.Null(ModeChecks.CheckInsecureTlsFlags(RelayMode.TlsStatic, new HashSet<string> { "tls-cert-file", "tls-key-file" }));
        Assert.Null(ModeChecks.CheckInsecureTlsFlags(RelayMode.Insecure, new HashSet<string> { "insecure-listen", "fcm-base-url" }));
    }
}
