using PyrycodeRelay.Cli;
using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Tests.Cli;

public class CommandLineSyntaxTests
{
    private static CommandLineResult Parse(params string[] args) => CommandLine.Parse(args);

    [Fact]
    public void No_arguments_gives_every_default_and_nothing_set()
    {
        var r = Parse();
        Assert.Equal(CommandLineOutcome.Run, r.Outcome);
        Assert.Equal(new RelayOptions(), r.Options);
        Assert.Empty(r.ExplicitlySet);
        Assert.Empty(r.Remaining);
        Assert.Null(r.Error);
    }

    [Theory]
    [InlineData("-insecure-listen", "127.0.0.1:8080")]
    [InlineData("--insecure-listen", "127.0.0.1:8080")]
    public void Single_and_double_dash_are_equivalent_with_separate_value(string flag, string value)
    {
        var r = Parse(flag, value);
        Assert.Equal("127.0.0.1:8080", r.Options.InsecureListen);
        Assert.Equal(new HashSet<string> { "insecure-listen" }, r.ExplicitlySet);
    }

    [Theory]
    [InlineData("-max-connections=7")]
    [InlineData("--max-connections=7")]
    public void Equals_form_binds_the_value(string arg) => Assert.Equal(7, Parse(arg).Options.MaxConnections);

    [Fact]
    public void Value_after_a_flag_is_taken_even_when_it_starts_with_a_dash()
    {
        Assert.Equal(-1, Parse("--max-connections", "-1").Options.MaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(-1), Parse("--heartbeat-interval", "-1s").Options.HeartbeatInterval);
        Assert.Equal("--domain", Parse("--insecure-listen", "--domain").Options.InsecureListen);
    }

    [Fact]
    public void Equals_value_may_contain_equals_and_be_empty()
    {
        Assert.Equal("a=b", Parse("--domain=a=b").Options.Domain);
        var r = Parse("--metrics-listen=");
        Assert.Equal("", r.Options.MetricsListen);
        Assert.True(r.IsSet("metrics-listen"));
    }

    [Fact]
    public void Boolean_alone_means_true()
    {
        var r = Parse("--https-proxy-protocol", "-trust-x-forwarded-for");
        Assert.True(r.Options.HttpsProxyProtocol);
        Assert.True(r.Options.TrustXForwardedFor);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("TRUE", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("FALSE", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void Boolean_explicit_values_need_equals(string text, bool expected)
    {
        var r = Parse("--https-proxy-protocol=" + text);
        Assert.Equal(CommandLineOutcome.Run, r.Outcome);
        Assert.Equal(expected, r.Options.HttpsProxyProtocol);
        Assert.True(r.IsSet("https-proxy-protocol"));
    }

    [Fact]
    public void Boolean_does_not_consume_the_next_argument_which_ends_parsing()
    {
        var r = Parse("--https-proxy-protocol", "false", "--max-connections", "5");
        Assert.True(r.Options.HttpsProxyProtocol);
        Assert.Equal(1024, r.Options.MaxConnections);
        Assert.Equal(["false", "--max-connections", "5"], r.Remaining);
        Assert.False(r.IsSet("max-connections"));
    }

    [Fact]
    public void Parsing_stops_at_the_first_non_flag()
    {
        var r = Parse("--domain", "a.example", "serve", "--max-connections", "abc");
        Assert.Equal(CommandLineOutcome.Run, r.Outcome);
        Assert.Equal("a.example", r.Options.Domain);
        Assert.Equal(["serve", "--max-connections", "abc"], r.Remaining);
    }

    [Fact]
    public void A_lone_dash_is_a_non_flag()
    {
        var r = Parse("-", "--max-connections", "abc");
        Assert.Equal(CommandLineOutcome.Run, r.Outcome);
        Assert.Equal(["-", "--max-connections", "abc"], r.Remaining);
    }

    [Fact]
    public void Double_dash_ends_flags_and_is_consumed()
    {
        var r = Parse("--max-connections", "3", "--", "--max-connections", "abc");
        Assert.Equal(CommandLineOutcome.Run, r.Outcome);
        Assert.Equal(3, r.Options.MaxConnections);
        Assert.Equal(["--max-connections", "abc"], r.Remaining);
    }

    [Fact]
    public void Last_occurrence_wins()
    {
        var r = Parse("--max-connections", "3", "-max-connections=9", "--https-proxy-protocol", "--https-proxy-protocol=false");
        Assert.Equal(9, r.Options.MaxConnections);
        Assert.False(r.Options.HttpsProxyProtocol);
    }

    [Fact]
    public void Explicitly_set_includes_flags_given_their_default_value()
    {
        var r = Parse("--http-listen=:80", "--https-proxy-protocol=false", "--grace-period", "30s");
        Assert.Equal(new HashSet<string> { "http-listen", "https-proxy-protocol", "grace-period" }, r.ExplicitlySet);
        Assert.Equal(new RelayOptions(), r.Options);
    }

    [Fact]
    public void Flag_names_are_case_sensitive()
    {
        var r = Parse("--Domain", "x");
        Assert.Equal(CommandLineOutcome.Error, r.Outcome);
        Assert.Equal("flag provided but not defined: -Domain", r.Error);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("-help")]
    [InlineData("--help")]
    [InlineData("--h")]
    [InlineData("-help=x")]
    public void Help_flags_ask_for_help(string arg)
    {
        var r = Parse("--domain", "x", arg, "--unknown");
        Assert.Equal(CommandLineOutcome.Help, r.Outcome);
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void Version_is_a_boolean_flag_resolved_after_the_whole_parse()
    {
        Assert.Equal(CommandLineOutcome.Version, Parse("--version").Outcome);
        Assert.Equal(CommandLineOutcome.Version, Parse("-version=true", "--domain", "x").Outcome);
        Assert.Equal(CommandLineOutcome.Run, Parse("--version", "--version=false").Outcome);
        Assert.Equal(CommandLineOutcome.Error, Parse("--version", "--max-connections", "x").Outcome);
    }

    [Fact]
    public void Every_flag_of_the_spec_is_defined_with_its_default()
    {
        var d = new RelayOptions();
        var expected = new Dictionary<string, string>
        {
            ["domain"] = "x.example", ["cert-cache"] = "/c", ["insecure-listen"] = ":1", ["https-listen"] = ":2",
            ["http-listen"] = ":3", ["metrics-listen"] = "127.0.0.1:4", ["max-connections"] = "5",
            ["grace-period"] = "6s", ["heartbeat-interval"] = "7s", ["heartbeat-timeout"] = "8s",
            ["conflict-probe-timeout"] = "9s", ["max-message-bytes"] = "10", ["message-read-timeout"] = "11s",
            ["write-timeout"] = "12s", ["phones-per-server"] = "13", ["phone-outbox-bytes"] = "14",
            ["outbox-budget-bytes"] = "15", ["rate-limit-burst"] = "16", ["rate-limit-refill"] = "17s",
            ["drain-timeout"] = "18s", ["log-format"] = "json", ["proxy-protocol-trusted-cidrs"] = "10.0.0.0/8",
            ["acme-directory"] = "https://acme.test/dir", ["acme-email"] = "ops@example.com", ["acme-ca-file"] = "ca.pem",
            ["tls-cert-file"] = "c.pem", ["tls-key-file"] = "k.pem", ["fcm-project-id"] = "proj",
            ["fcm-base-url"] = "http://127.0.0.1:1", ["fcm-token-url"] = "http://127.0.0.1:2/token",
        };
        var args = expected.SelectMany(kv => new[] { "--" + kv.Key, kv.Value }).Concat(["--trust-x-forwarded-for", "--https-proxy-protocol"]).ToArray();
        var r = CommandLine.Parse(args);
        Assert.Equal(CommandLineOutcome.Run, r.Outcome);
        var o = r.Options;
        Assert.Equal(
            d with
            {
                Domain = "x.example", CertCache = "/c", InsecureListen = ":1", HttpsListen = ":2", HttpListen = ":3",
                MetricsListen = "127.0.0.1:4", MaxConnections = 5, GracePeriod = TimeSpan.FromSeconds(6),
                HeartbeatInterval = TimeSpan.FromSeconds(7), HeartbeatTimeout = TimeSpan.FromSeconds(8),
                ConflictProbeTimeout = TimeSpan.FromSeconds(9), MaxMessageBytes = 10,
                MessageReadTimeout = TimeSpan.FromSeconds(11), WriteTimeout = TimeSpan.FromSeconds(12),
                PhonesPerServer = 13, PhoneOutboxBytes = 14, OutboxBudgetBytes = 15, RateLimitBurst = 16,
                RateLimitRefill = TimeSpan.FromSeconds(17), DrainTimeout = TimeSpan.FromSeconds(18), LogFormat = "json",
                ProxyProtocolTrustedCidrs = "10.0.0.0/8", AcmeDirectory = "https://acme.test/dir",
                AcmeEmail = "ops@example.com", AcmeCaFile = "ca.pem", TlsCertFile = "c.pem", TlsKeyFile = "k.pem",
                FcmProjectId = "proj", FcmBaseUrl = "http://127.0.0.1:1", FcmTokenUrl = "http://127.0.0.1:2/token",
                TrustXForwardedFor = true, HttpsProxyProtocol = true,
            },
            o);
        Assert.Equal(expected.Count + 2, r.ExplicitlySet.Count);
    }

    [Fact]
    public void Defaults_can_be_supplied_by_the_caller()
    {
        var r = CommandLine.Parse([], new RelayOptions { CertCache = "/home/x/.pyrycode-relay/certs" });
        Assert.Equal("/home/x/.pyrycode-relay/certs", r.Options.CertCache);
    }
}
