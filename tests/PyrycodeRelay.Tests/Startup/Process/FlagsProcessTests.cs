namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>Scenarios A11–A18 refusals (capabilities, modes, flags, listeners) and version/help against the real relay process.</summary>
[Collection(RelayProcessCollection.Name)]
public class FlagsProcessTests
{
    private const string AllowlistMarker = "; allowlist:";

    [Fact]
    public async Task A11_capabilities_not_dropped_are_refused()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: unexpected Linux capabilities",
            RelayProcessRunner.InsecureArgs(), caps: Caps.Inherited);
        Assert.Equal(["time", "level", "msg", "err", "fix"], error.Keys);
        var err = error["err"];
        Assert.StartsWith("relay: process has unexpected effective Linux capabilities: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("CAP_NET_BIND_SERVICE", err[..err.IndexOf(AllowlistMarker, StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A11_sys_admin_is_named_with_its_bit()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: unexpected Linux capabilities",
            RelayProcessRunner.InsecureArgs(), caps: Caps.SysAdminOnly);
        Assert.Equal(
            "relay: process has unexpected effective Linux capabilities: CAP_SYS_ADMIN (bit 21); allowlist: [CAP_NET_BIND_SERVICE (bit 10)]; drop with --cap-drop=ALL --cap-add=NET_BIND_SERVICE or equivalent",
            error["err"]);
    }

    [Fact]
    public async Task A12_no_mode_is_refused()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync(
            "either --domain (for autocert) or --insecure-listen (for behind-proxy mode) must be set", []);
        Assert.Equal(["time", "level", "msg"], error.Keys);
    }

    [Theory]
    [InlineData("--http-listen", ":80")]
    [InlineData("--https-listen", ":443")]
    [InlineData("--https-proxy-protocol")]
    [InlineData("--https-proxy-protocol=false")]
    public async Task A13_insecure_mode_excludes_tls_listener_flags(params string[] extra)
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync(
            "refusing to start: --insecure-listen is mutually exclusive with --http-listen / --https-listen / --https-proxy-protocol",
            [.. RelayProcessRunner.InsecureArgs(), .. extra]);
        Assert.Equal(["time", "level", "msg", "fix"], error.Keys);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task A14_max_connections_must_be_positive(string value)
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid --max-connections",
            [.. RelayProcessRunner.InsecureArgs(), "--max-connections", value]);
        Assert.Equal(["time", "level", "msg", "err", "value", "fix"], error.Keys);
        Assert.Equal($"max-connections {value}: relay: connection cap must be positive", error["err"]);
        Assert.Equal(value, error["value"]);
    }

    [Theory]
    [InlineData("443", "missing port in address")]
    [InlineData("127.0.0.1", "missing port in address")]
    [InlineData(":0", "port 0 is not permitted (ephemeral-port placeholder)")]
    [InlineData(":99999", "out of range")]
    [InlineData(":notaport", "invalid port")]
    public async Task A15_bad_insecure_listener_address_is_refused_after_starting(string addr, string detail)
    {
        var metrics = "127.0.0.1:" + RelayProcessRunner.FreePort();
        var (error, stderr) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid listener address",
            ["--insecure-listen", addr, "--metrics-listen", metrics], allowStarting: true);
        Assert.Equal(["time", "level", "msg", "err", "addr"], error.Keys);
        Assert.Equal(addr, error["addr"]);
        var prefix = $"relay: parsing listener address \"{addr}\": ";
        Assert.StartsWith(prefix, error["err"], StringComparison.Ordinal);
        Assert.Contains(detail, error["err"][prefix.Length..], StringComparison.Ordinal);
        if (addr == ":0")
        {
            Assert.Equal(prefix + detail, error["err"]);
        }

        // INFO starting (20i) precedes the address check (21i); the metrics listener is never announced.
        var lines = stderr.Select(LogfmtLine.Parse).ToList();
        Assert.Equal(
            ["INFO push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset", "INFO starting", "ERROR refusing to start: invalid listener address"],
            lines.Select(l => l.LevelMsg));
        Assert.Equal(["time", "level", "msg", "version", "mode", "listen"], lines[1].Keys);
        Assert.Equal(("insecure", addr), (lines[1]["mode"], lines[1]["listen"]));
    }

    [Theory]
    [InlineData("0.0.0.0:9090")]
    [InlineData("192.168.1.10:9090")]
    [InlineData("localhost:9090")]
    [InlineData(":9090")]
    public async Task A16_metrics_listener_must_be_a_loopback_literal(string value)
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid --metrics-listen address",
            ["--insecure-listen", "127.0.0.1:" + RelayProcessRunner.FreePort(), "--metrics-listen", value]);
        Assert.Equal(["time", "level", "msg", "err", "value", "fix"], error.Keys);
        Assert.Contains("must be a loopback IP literal", error["err"], StringComparison.Ordinal);
        Assert.Equal(value, error["value"]);
    }

    [Fact]
    public async Task A17_version_prints_one_line_before_any_check()
    {
        using var relay = RelayProcessRunner.Start(["--version"], new Dictionary<string, string> { ["FLY_APP_NAME"] = "pyrycode-relay" }, Caps.Inherited);
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.Equal(0, code);
        // The commit is the build's git HEAD (SourceRevisionId): 40 hex digits in a git checkout, as in CI.
        Assert.Matches("^0\\.1\\.0 \\(commit [0-9a-f]{40}\\)\n$", stdout);
        Assert.Equal("0.1.0 (commit " + PyrycodeRelay.Cli.RelayVersion.Commit + ")\n", stdout);
        Assert.Empty(stderr);
    }

    [Theory]
    [InlineData("refusing to start: invalid --grace-period", "--grace-period", "0s")]
    [InlineData("refusing to start: invalid --heartbeat-interval", "--heartbeat-interval", "-1s")]
    [InlineData("refusing to start: invalid --phones-per-server", "--phones-per-server", "0")]
    [InlineData("refusing to start: invalid --log-format", "--log-format", "xml")]
    [InlineData("refusing to start: invalid --phone-outbox-bytes", "--phone-outbox-bytes", "1000")]
    public async Task A18_flag_value_rules(string message, string flag, string value)
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync(message, [.. RelayProcessRunner.InsecureArgs(), flag, value]);
        Assert.Equal(["time", "level", "msg", "err", "value", "fix"], error.Keys);
    }

    [Fact]
    public async Task A18_duration_without_unit_is_a_usage_error()
    {
        using var relay = RelayProcessRunner.Start([.. RelayProcessRunner.InsecureArgs(), "--grace-period", "5"]);
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal(["invalid value \"5\" for flag -grace-period: parse error", "Run 'pyrycode-relay --help' for usage."], stderr);
    }

    [Fact]
    public async Task Help_prints_usage_grouped_by_topic_on_stdout_and_exits_0()
    {
        using var relay = RelayProcessRunner.Start(["--help"]);
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.StartsWith("Usage: pyrycode-relay [flags]\n", stdout, StringComparison.Ordinal);
        var topics = stdout.Split('\n').Where(l => l.Length > 0 && l[0] != ' ' && l.EndsWith(':')).ToList();
        Assert.Equal(["Mode and listeners:", "TLS certificates:", "Limits:", "Timings:", "Shutdown:", "Logs, metrics and health:", "Push wakes (FCM):", "Cluster mode (Redis):", "Other:"], topics);
        Assert.Contains("\nShutdown:\n  -drain-timeout duration\n", stdout, StringComparison.Ordinal);
    }
}
