using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public partial class BootLogContractTests
{
    private static readonly HashSet<string> AllowedKeys =
    [
        "server_id", "conn_id", "binary_conn_id", "device_name", "remote", "binary_version", "err", "path", "from", "to",
        "close_code", "token_fp", "fcm_message_id", "duration", "version", "mode", "listen", "domain", "cert_cache",
        "https_proxy_protocol", "addr", "fix", "env_var", "reason", "value", "effective_uid", "unexpected_ports",
        "expected_ports", "bypass_env_var",
    ];

    private static IEnumerable<(MethodInfo Method, LoggerMessageAttribute Attr)> Events() =>
        new[] { "BootLog", "BootLog+Acme", "BootLog+StaticCert", "BootLog+WithUid" }
            .Select(n => typeof(BootSequence).Assembly.GetType("PyrycodeRelay.Startup." + n, throwOnError: true)!)
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => (m, m.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(x => x.Item2 is not null);

    [Fact]
    public void Event_ids_are_unique_and_in_the_1xx_range()
    {
        var ids = Events().Select(e => e.Attr.EventId).ToList();
        Assert.True(ids.Count >= 40, $"only {ids.Count} events");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id is (>= 100 and <= 199) or (>= 910 and <= 929) or (>= 950 and <= 959), $"EventId {id} outside 100–199, 910–929 and 950–959 (issue 13 flags)"));
    }

    [Fact]
    public void Templates_are_the_event_name_followed_by_the_keys_as_parameters()
    {
        foreach (var (method, attr) in Events())
        {
            Assert.False(string.IsNullOrEmpty(attr.EventName), method.Name);
            var keys = method.GetParameters().Skip(1).Select(p => p.Name!).ToArray();
            var expected = attr.EventName + string.Concat(keys.Select(k => $" {k}={{{k}}}"));
            Assert.Equal(expected, attr.Message);
            Assert.All(keys, k => Assert.Contains(k, AllowedKeys));
            Assert.Equal(attr.EventName!.StartsWith("refusing", StringComparison.Ordinal) || attr.EventName.StartsWith("either", StringComparison.Ordinal)
                ? LogLevel.Error : LogLevel.Information, attr.Level);
        }
    }

    [Fact]
    public void Every_refusal_message_names_the_flag_for_flag_rules()
    {
        foreach (var (_, attr) in Events().Where(e => e.Attr.EventName!.StartsWith("refusing to start: invalid --", StringComparison.Ordinal)))
        {
            Assert.Matches(FlagMessage(), attr.EventName!);
        }
    }

    [GeneratedRegex("^refusing to start: invalid --[a-z-]+( address)?$")]
    private static partial Regex FlagMessage();

    private static (CapturingLoggerProvider Capture, BootPlan Plan) Plan(RelayOptions options, RelayMode mode, ListenEndpoint? metrics)
    {
        var capture = new CapturingLoggerProvider();
        var plan = new BootPlan
        {
            Options = options, ExplicitlySet = new HashSet<string>(), Mode = mode, Production = false, Metrics = metrics,
            FcmKey = null, Version = "9.9.9", LoggerFactory = capture.CreateFactory("text"), Logger = capture.CreateLogger("t"),
        };
        return (capture, plan);
    }

    [Fact]
    public void Starting_insecure_shape()
    {
        var (capture, plan) = Plan(new RelayOptions { InsecureListen = "127.0.0.1:8080" }, RelayMode.Insecure, null);
        BootAnnouncements.LogStarting(plan);
        BootAnnouncements.LogStartingMetricsListener(plan);
        var e = Assert.Single(capture.Entries);
        Assert.Equal((LogLevel.Information, "starting"), (e.Level, e.Name));
        Assert.Equal([new("version", "9.9.9"), new("mode", "insecure"), new KeyValuePair<string, object?>("listen", "127.0.0.1:8080")], e.Fields);
    }

    [Fact]
    public void Starting_acme_shape_and_metrics_listener()
    {
        Assert.Null(MetricsListenCheck.Check("127.0.0.1:9191", out var metrics));
        var (capture, plan) = Plan(new RelayOptions { Domain = "relay.test", CertCache = "/c", HttpsProxyProtocol = true }, RelayMode.TlsAcme, metrics);
        BootAnnouncements.LogStarting(plan);
        BootAnnouncements.LogStartingMetricsListener(plan);
        Assert.Equal(["starting", "starting metrics listener"], capture.Entries.Select(e => e.Name));
        Assert.Equal(
            [new("version", "9.9.9"), new("mode", "autocert"), new("domain", "relay.test"), new("cert_cache", "/c"), new KeyValuePair<string, object?>("https_proxy_protocol", true)],
            capture.Entries[0].Fields);
        Assert.Equal([new KeyValuePair<string, object?>("listen", "127.0.0.1:9191")], capture.Entries[1].Fields);
    }

    [Fact]
    public void Starting_static_shape_has_no_cert_cache()
    {
        var (capture, plan) = Plan(new RelayOptions { Domain = "relay.test", TlsCertFile = "c", TlsKeyFile = "k" }, RelayMode.TlsStatic, null);
        BootAnnouncements.LogStarting(plan);
        var e = Assert.Single(capture.Entries);
        Assert.Equal(
            [new("version", "9.9.9"), new("mode", "static-cert"), new("domain", "relay.test"), new KeyValuePair<string, object?>("https_proxy_protocol", false)],
            e.Fields);
    }

    [Theory]
    [InlineData("windows")]
    [InlineData("darwin")]
    [InlineData("freebsd")]
    [InlineData("illumos")]
    [InlineData("unknown")]
    public void Skip_line_names_the_os(string os)
    {
        var env = new FakeBootEnvironment { OperatingSystem = os };
        var capture = new CapturingLoggerProvider();
        var result = BootSequence.Run(["--insecure-listen", ":1"], env, TextWriter.Null, TextWriter.Null, capture.CreateFactory);
        Assert.True(result.ShouldRun);
        Assert.Equal("skipping linux-only capability check on " + os, capture.Entries[0].Name);
        Assert.Empty(capture.Entries[0].Fields);
    }
}
