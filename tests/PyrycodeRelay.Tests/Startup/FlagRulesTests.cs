using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class FlagRulesTests
{
    private static readonly RelayOptions Valid = new() { InsecureListen = ":8080" };

    [Fact]
    public void Defaults_pass_every_rule()
    {
        Assert.Null(FlagRules.CheckLogFormat(Valid));
        Assert.Null(FlagRules.CheckMaxConnections(Valid));
        Assert.Null(FlagRules.CheckValueRules(Valid));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Max_connections_must_be_positive(int value)
    {
        RefusalAssert.Refused(FlagRules.CheckMaxConnections(Valid with { MaxConnections = value }),
            "refusing to start: invalid --max-connections",
            ("err", $"max-connections {value}: relay: connection cap must be positive"), ("value", value), ("fix", null));
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("TEXT")]
    [InlineData("")]
    [InlineData("json ")]
    public void Log_format_must_be_text_or_json(string value)
    {
        RefusalAssert.Refused(FlagRules.CheckLogFormat(Valid with { LogFormat = value }), "refusing to start: invalid --log-format",
            ("err", $"relay: --log-format must be text or json, got {GoQuote.Quote(value)}"), ("value", value), ("fix", null));
    }

    [Fact]
    public void Log_format_err_matches_the_spec_example() =>
        Assert.Equal("relay: --log-format must be text or json, got \"xml\"", FlagRules.CheckLogFormat(Valid with { LogFormat = "xml" })!.Err);

    public static TheoryData<string, Setter> DurationFlags => new()
    {
        { "grace-period", new(o => o with { GracePeriod = TimeSpan.Zero }) },
        { "heartbeat-interval", new(o => o with { HeartbeatInterval = TimeSpan.Zero }) },
        { "heartbeat-timeout", new(o => o with { HeartbeatTimeout = TimeSpan.Zero }) },
        { "conflict-probe-timeout", new(o => o with { ConflictProbeTimeout = TimeSpan.Zero }) },
        { "message-read-timeout", new(o => o with { MessageReadTimeout = TimeSpan.Zero }) },
        { "write-timeout", new(o => o with { WriteTimeout = TimeSpan.Zero }) },
        { "rate-limit-refill", new(o => o with { RateLimitRefill = TimeSpan.Zero }) },
        { "drain-timeout", new(o => o with { DrainTimeout = TimeSpan.Zero }) },
        { "phone-first-frame-timeout", new(o => o with { PhoneFirstFrameTimeout = TimeSpan.Zero }) },
    };

    [Theory]
    [MemberData(nameof(DurationFlags))]
    public void Zero_durations_are_refused(string flag, Setter set)
    {
        RefusalAssert.Refused(FlagRules.CheckValueRules(set.Apply(Valid)), "refusing to start: invalid --" + flag,
            ("err", $"relay: --{flag} must be positive, got 0s"), ("value", "0s"), ("fix", null));
    }

    [Fact]
    public void Negative_duration_is_reported_in_go_text()
    {
        RefusalAssert.Refused(FlagRules.CheckValueRules(Valid with { HeartbeatInterval = TimeSpan.FromMilliseconds(-1500) }),
            "refusing to start: invalid --heartbeat-interval",
            ("err", "relay: --heartbeat-interval must be positive, got -1.5s"), ("value", "-1.5s"), ("fix", null));
    }

    public static TheoryData<string, Setter> CountFlags => new()
    {
        { "max-message-bytes", new(o => o with { MaxMessageBytes = 0 }) },
        { "phones-per-server", new(o => o with { PhonesPerServer = 0 }) },
        { "phone-outbox-bytes", new(o => o with { PhoneOutboxBytes = 0 }) },
        { "outbox-budget-bytes", new(o => o with { OutboxBudgetBytes = 0 }) },
        { "rate-limit-burst", new(o => o with { RateLimitBurst = 0 }) },
        { "max-server-ids", new(o => o with { MaxServerIds = 0 }) },
        { "server-outbox-bytes", new(o => o with { ServerOutboxBytes = 0 }) },
    };

    [Theory]
    [MemberData(nameof(CountFlags))]
    public void Zero_counts_are_refused(string flag, Setter set)
    {
        RefusalAssert.Refused(FlagRules.CheckValueRules(set.Apply(Valid)), "refusing to start: invalid --" + flag,
            ("err", $"relay: --{flag} must be positive, got 0"), ("value", 0L), ("fix", null));
    }

    [Fact]
    public void Phone_outbox_must_cover_one_message_plus_64()
    {
        var o = Valid with { MaxMessageBytes = 1000, PhoneOutboxBytes = 1087 }; // 1000 is charged as its 1024-byte pooled array
        RefusalAssert.Refused(FlagRules.CheckValueRules(o), "refusing to start: invalid --phone-outbox-bytes",
            ("err", "relay: --phone-outbox-bytes must be at least --max-message-bytes rounded up to a power of two + 64"), ("value", 1087L), ("fix", null));
        Assert.Null(FlagRules.CheckValueRules(o with { PhoneOutboxBytes = 1088 }));
        Assert.Equal("refusing to start: invalid --phone-outbox-bytes",
            FlagRules.CheckValueRules(Valid with { PhoneOutboxBytes = 1000 })!.Message);
    }

    [Fact]
    public void Outbox_budget_must_cover_one_phone()
    {
        var o = Valid with { PhoneOutboxBytes = 300_000, OutboxBudgetBytes = 299_999 };
        RefusalAssert.Refused(FlagRules.CheckValueRules(o), "refusing to start: invalid --outbox-budget-bytes",
            ("err", "relay: --outbox-budget-bytes must be at least --phone-outbox-bytes"), ("value", 299_999L), ("fix", null));
        Assert.Null(FlagRules.CheckValueRules(o with { OutboxBudgetBytes = 300_000 }));
    }

    [Theory]
    [InlineData("10.0.0.0/33", "10.0.0.0/33")]
    [InlineData("10.0.0.0/8,banana", "banana")]
    [InlineData("10.0.0.0/8, fd00::/129", "fd00::/129")]
    [InlineData("10.0.0.0", "10.0.0.0")]
    [InlineData("10.0.0.0/8,", "")]
    [InlineData("localhost/8", "localhost/8")]
    public void Trusted_cidrs_must_all_parse(string value, string bad)
    {
        RefusalAssert.Refused(FlagRules.CheckValueRules(Valid with { ProxyProtocolTrustedCidrs = value }),
            "refusing to start: invalid --proxy-protocol-trusted-cidrs",
            ("err", $"relay: invalid CIDR \"{bad}\""), ("value", value), ("fix", null));
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("10.0.0.0/8,192.168.1.7/32, 127.0.0.0/8 ")]
    [InlineData("fd00::/8,::1/128,0.0.0.0/0,::/0")]
    [InlineData("10.1.2.3/8")]
    public void Valid_trusted_cidrs_pass(string value) =>
        Assert.Null(FlagRules.CheckValueRules(Valid with { ProxyProtocolTrustedCidrs = value }));

    [Theory]
    [InlineData("http://acme.test/dir")]
    [InlineData("acme.test/dir")]
    [InlineData("/dir")]
    [InlineData("")]
    [InlineData("ftp://acme.test/dir")]
    public void Acme_directory_must_be_absolute_https(string value)
    {
        RefusalAssert.Refused(FlagRules.CheckValueRules(Valid with { AcmeDirectory = value }),
            "refusing to start: invalid --acme-directory", ("err", null), ("value", value), ("fix", null));
        Assert.Null(FlagRules.CheckValueRules(Valid with { AcmeDirectory = "https://127.0.0.1:14000/dir" }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Pyrycode")]
    [InlineData("my_project")]
    [InlineData("a b")]
    [InlineData("a/b")]
    public void Fcm_project_id_is_lowercase_digits_and_dashes(string value)
    {
        RefusalAssert.Refused(FlagRules.CheckValueRules(Valid with { FcmProjectId = value }),
            "refusing to start: invalid --fcm-project-id", ("err", null), ("value", value), ("fix", null));
        Assert.Null(FlagRules.CheckValueRules(Valid with { FcmProjectId = "pyrycode-mobile-2" }));
    }

    [Theory]
    [InlineData("fcm.googleapis.com")]
    [InlineData("")]
    [InlineData("ws://127.0.0.1:1")]
    [InlineData("/v1")]
    public void Fcm_base_url_must_be_absolute_http_or_https(string value)
    {
        RefusalAssert.Refused(FlagRules.CheckValueRules(Valid with { FcmBaseUrl = value }),
            "refusing to start: invalid --fcm-base-url", ("err", null), ("value", value), ("fix", null));
        Assert.Null(FlagRules.CheckValueRules(Valid with { FcmBaseUrl = "http://127.0.0.1:5000" }));
    }

    [Fact]
    public void Fcm_token_url_is_checked_only_when_set()
    {
        Assert.Null(FlagRules.CheckValueRules(Valid with { FcmTokenUrl = "" }));
        Assert.Null(FlagRules.CheckValueRules(Valid with { FcmTokenUrl = "https://oauth2.googleapis.com/token" }));
        RefusalAssert.Refused(FlagRules.CheckValueRules(Valid with { FcmTokenUrl = "token" }),
            "refusing to start: invalid --fcm-token-url", ("err", null), ("value", "token"), ("fix", null));
    }

    [Fact]
    public void Rules_run_in_the_order_of_the_flag_table()
    {
        var allBad = Valid with
        {
            GracePeriod = TimeSpan.Zero, HeartbeatInterval = TimeSpan.Zero, HeartbeatTimeout = TimeSpan.Zero,
            ConflictProbeTimeout = TimeSpan.Zero, MaxMessageBytes = 0, MessageReadTimeout = TimeSpan.Zero,
            WriteTimeout = TimeSpan.Zero, PhonesPerServer = 0, PhoneOutboxBytes = 0, OutboxBudgetBytes = 0,
            RateLimitBurst = 0, RateLimitRefill = TimeSpan.Zero, DrainTimeout = TimeSpan.Zero, LogFormat = "xml",
            ProxyProtocolTrustedCidrs = "x", AcmeDirectory = "x", FcmProjectId = "X", FcmBaseUrl = "x", FcmTokenUrl = "x",
        };
        string[] order =
        [
            "grace-period", "heartbeat-interval", "heartbeat-timeout", "conflict-probe-timeout", "max-message-bytes",
            "message-read-timeout", "write-timeout", "phones-per-server", "phone-outbox-bytes", "outbox-budget-bytes",
            "rate-limit-burst", "rate-limit-refill", "drain-timeout", "log-format", "proxy-protocol-trusted-cidrs",
            "acme-directory", "fcm-project-id", "fcm-base-url", "fcm-token-url",
        ];
        var fixes = new Func<RelayOptions, RelayOptions>[]
        {
            o => o with { GracePeriod = TimeSpan.FromSeconds(1) }, o => o with { HeartbeatInterval = TimeSpan.FromSeconds(1) },
            o => o with { HeartbeatTimeout = TimeSpan.FromSeconds(1) }, o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(1) },
            o => o with { MaxMessageBytes = 10 }, o => o with { MessageReadTimeout = TimeSpan.FromSeconds(1) },
            o => o with { WriteTimeout = TimeSpan.FromSeconds(1) }, o => o with { PhonesPerServer = 1 },
            o => o with { PhoneOutboxBytes = 100 }, o => o with { OutboxBudgetBytes = 100 }, o => o with { RateLimitBurst = 1 },
            o => o with { RateLimitRefill = TimeSpan.FromSeconds(1) }, o => o with { DrainTimeout = TimeSpan.FromSeconds(1) },
            o => o with { LogFormat = "json" }, o => o with { ProxyProtocolTrustedCidrs = "" },
            o => o with { AcmeDirectory = "https://a.test/" }, o => o with { FcmProjectId = "p" },
            o => o with { FcmBaseUrl = "https://f.test" }, o => o with { FcmTokenUrl = "" },
        };
        var current = allBad;
        for (var i = 0; i < order.Length; i++)
        {
            Assert.Equal("refusing to start: invalid --" + order[i], FlagRules.CheckValueRules(current)?.Message);
            current = fixes[i](current);
        }

        Assert.Null(FlagRules.CheckValueRules(current));
    }

    /// <summary>A change to the valid options, as theory data (the options type is internal to the relay).</summary>
    public sealed class Setter
    {
        private readonly Func<RelayOptions, RelayOptions> _apply;

        internal Setter(Func<RelayOptions, RelayOptions> apply) => _apply = apply;

        internal RelayOptions Apply(RelayOptions options) => _apply(options);
    }
}
