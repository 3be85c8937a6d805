using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using PyrycodeRelay.Cli;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// The operator's configuration surface on the real process (docs/operations.md#command-line): flags from the
/// environment, <c>--check-config</c>, <c>--log-level</c> with the DEBUG <c>upgrade_rejected</c> line, the commit in
/// <c>/healthz</c>, and <c>--metrics-allow-remote</c>.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class OperatorFlagsProcessTests
{
    [Fact]
    public async Task Check_config_prints_the_effective_configuration_with_sources_and_exits_0_without_listening()
    {
        var port = RelayProcessRunner.FreePort();
        var env = new Dictionary<string, string>
        {
            ["PYRYCODE_RELAY_MAX_CONNECTIONS"] = "77",
            ["PYRYCODE_RELAY_GRACE_PERIOD"] = "5s", // the flag below wins
            ["PYRYCODE_RELAY_FCM_CREDENTIALS"] = TestKeys.Json(),
        };
        using var relay = RelayProcessRunner.Start(
            ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen=", "--grace-period", "2s", "--check-config"], env);
        var (code, stdout, stderr) = await relay.WaitForExitAsync();

        Assert.True(code == 0, $"exit {code}; stderr:\n{string.Join("\n", stderr)}");
        var lines = stdout.Split('\n');
        Assert.Equal("# pyrycode-relay " + RelayVersion.Line + ": configuration ok (nothing was bound)", lines[0]);
        Assert.Contains("mode: insecure", lines);
        Assert.Contains("push: on", lines);
        Assert.Contains("--max-connections=77  # env", lines);
        Assert.Contains("--grace-period=2s  # flag", lines);
        Assert.Contains("--heartbeat-interval=30s  # default", lines);
        Assert.Contains($"--insecure-listen=\"127.0.0.1:{port}\"  # flag", lines);
        Assert.Contains("PYRYCODE_RELAY_FCM_CREDENTIALS: set (value withheld)", lines);
        Assert.DoesNotContain(TestKeys.PemFragment(), stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(stderr, l => l.Contains("msg=starting", StringComparison.Ordinal));
        Assert.Equal(FlagTable.All.Count - 2, lines.Count(l => l.StartsWith("--", StringComparison.Ordinal)));
        using var probe = new TcpListener(IPAddress.Loopback, port);
        probe.Start(); // nothing was (or is still) bound there
    }

    [Fact]
    public async Task Check_config_refuses_what_boot_refuses_with_exit_2()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid --max-connections",
            [.. RelayProcessRunner.InsecureArgs(), "--check-config"], new Dictionary<string, string> { ["PYRYCODE_RELAY_MAX_CONNECTIONS"] = "0" });
        Assert.Equal("max-connections 0: relay: connection cap must be positive", error["err"]);
    }

    [Fact]
    public async Task Check_config_runs_the_certificate_checks_too()
    {
        using var dir = new TempDir();
        using var relay = RelayProcessRunner.Start(
        [
            "--domain", "relay.test", "--tls-cert-file", dir.File("missing.pem"), "--tls-key-file", dir.File("missing.key"),
            "--https-listen", "127.0.0.1:" + RelayProcessRunner.FreePort(), "--http-listen", "127.0.0.1:" + RelayProcessRunner.FreePort(),
            "--metrics-listen=", "--check-config",
        ]);
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(stderr, l => LogfmtLine.Parse(l)["msg"] == "tls setup failed");
    }

    [Fact]
    public async Task Log_level_debug_logs_rejected_upgrades_with_the_reason_and_never_the_token()
    {
        await using var relay = await LiveRelay.StartAsync(["--log-level", "debug"], metrics: false);
        var response = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/client", "127.0.0.1",
            "X-Pyrycode-Server: s1", "X-Pyrycode-Token: secret-token-123")); // no User-Agent
        Assert.Equal(400, response.Status);
        var line = await relay.WaitForLogAsync("upgrade_rejected");
        Assert.Equal("DEBUG", line["level"]);
        Assert.Equal(["time", "level", "msg", "path", "reason", "remote"], line.Keys);
        Assert.Equal(("/v1/client", "400: missing User-Agent header", "127.0.0.1"), (line["path"], line["reason"], line["remote"]));
        var stopped = await relay.StopAsync();
        Assert.Equal(0, stopped.ExitCode);
        Assert.DoesNotContain(stopped.Stderr, l => l.Contains("secret-token-123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Log_level_warn_from_the_environment_silences_info_and_debug()
    {
        await using var relay = await LiveRelay.StartAsync(metrics: false, env: new Dictionary<string, string> { ["PYRYCODE_RELAY_LOG_LEVEL"] = "warn" });
        var response = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", "127.0.0.1", "X-Pyrycode-Server: s1"));
        Assert.Equal(400, response.Status);
        var stopped = await relay.StopAsync();
        Assert.Equal(0, stopped.ExitCode);
        Assert.Empty(stopped.Stderr); // not even INFO starting / shutdown complete
    }

    [Fact]
    public async Task A_bad_log_level_is_refused_in_text_format()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid --log-level",
            [.. RelayProcessRunner.InsecureArgs(), "--log-level", "verbose"]);
        Assert.Equal("relay: --log-level must be debug, info, warn or error, got \"verbose\"", error["err"]);
        Assert.Equal("verbose", error["value"]);
    }

    [Fact]
    public async Task Healthz_reports_the_version_and_the_commit_of_the_build()
    {
        await using var relay = await LiveRelay.StartAsync(metrics: false);
        using var health = await relay.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var doc = System.Text.Json.JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("0.1.0", doc.RootElement.GetProperty("version").GetString());
        Assert.Equal(RelayVersion.Commit, doc.RootElement.GetProperty("commit").GetString());
        Assert.Matches("^[0-9a-f]{40}$", RelayVersion.Commit); // built from a git checkout (CI, a clone)
        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task A_non_loopback_metrics_listener_needs_metrics_allow_remote()
    {
        var metricsPort = RelayProcessRunner.FreePort(IPAddress.Any);
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid --metrics-listen address",
            ["--insecure-listen", "127.0.0.1:" + RelayProcessRunner.FreePort(), "--metrics-listen", "0.0.0.0:" + metricsPort]);
        Assert.Contains("--metrics-allow-remote", error["fix"], StringComparison.Ordinal);

        var port = RelayProcessRunner.FreePort();
        await using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen", "0.0.0.0:" + metricsPort, "--metrics-allow-remote"], port, metricsPort);
        var warn = Assert.Single(relay.Named("metrics listener reachable beyond loopback"));
        Assert.Equal(("WARN", "0.0.0.0:" + metricsPort), (warn["level"], warn["listen"]));
        var scrape = await RawHttp.GetAsync(metricsPort, "/metrics");
        Assert.Equal(200, scrape.Status);
        Assert.Contains("pyrycode_relay_connected_binaries", scrape.BodyText, StringComparison.Ordinal);
        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }
}
