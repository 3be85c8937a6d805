using System.Runtime.Versioning;
namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// Scenarios A6, A8, A9, A10 (production and credentials) against the real relay process; A10's uid-65534 run
/// must also serve <c>/healthz</c> over TLS.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class EnvironmentProcessTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("0")]
    [InlineData("yes")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("PRODUCTION")]
    [InlineData("")]
    public async Task A6_production_must_be_exactly_1(string value)
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid env-var config",
            RelayProcessRunner.InsecureArgs(), new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = value });
        Assert.Equal(["time", "level", "msg", "err", "env_var", "reason"], error.Keys);
        Assert.Equal("PYRYCODE_RELAY_PRODUCTION", error["env_var"]);
        Assert.Equal($"malformed-value: expected \"1\" or unset, got \"{value}\"", error["reason"]);
        Assert.Equal($"relay: invalid env-var config: PYRYCODE_RELAY_PRODUCTION: malformed-value: expected \"1\" or unset, got \"{value}\"", error["err"]);
    }

    [Theory]
    [InlineData("MARKER {")]
    [InlineData("{\"type\":\"MARKER\"}")]
    [InlineData("")]
    public async Task A8_bad_credentials_are_refused_and_never_echoed(string value)
    {
        var (error, stderr) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid env-var config",
            RelayProcessRunner.InsecureArgs(), new Dictionary<string, string> { ["PYRYCODE_RELAY_FCM_CREDENTIALS"] = value });
        Assert.Equal("PYRYCODE_RELAY_FCM_CREDENTIALS", error["env_var"]);
        Assert.Equal("malformed-value: not a service-account JSON key (value withheld)", error["reason"]);
        Assert.DoesNotContain(stderr, l => l.Contains("MARKER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A9_production_refuses_the_insecure_listener()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: production-mode misconfiguration",
            RelayProcessRunner.InsecureArgs(), new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = "1" });
        Assert.Equal(["time", "level", "msg", "err", "env_var", "fix"], error.Keys);
        Assert.Equal("PYRYCODE_RELAY_PRODUCTION", error["env_var"]);
        Assert.Contains("--insecure-listen", error["err"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A10_production_refuses_root_in_tls_mode()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: production-mode misconfiguration",
            ["--domain", "relay.test", "--https-listen", ":" + RelayProcessRunner.FreePort(), "--http-listen", ":" + RelayProcessRunner.FreePort(),
                "--metrics-listen="],
            new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = "1" });
        Assert.Equal(["time", "level", "msg", "err", "env_var", "effective_uid", "fix"], error.Keys);
        Assert.Equal("0", error["effective_uid"]);
        Assert.Equal("relay: effective uid is 0 with PYRYCODE_RELAY_PRODUCTION=1; refusing to start", error["err"]);
    }

    [Fact]
    public async Task A10_production_as_uid_65534_passes_the_production_checks_and_serves_tls()
    {
        using var certs = new StaticCerts("relay.test", readableByAll: true); // the unprivileged relay must read them
        int https = RelayProcessRunner.FreePort(), http = RelayProcessRunner.FreePort();
        using var relay = RelayProcessRunner.Start(
            ["--domain", "relay.test", "--tls-cert-file", certs.CertFile, "--tls-key-file", certs.KeyFile,
                "--https-listen", ":" + https, "--http-listen", ":" + http, "--metrics-listen="],
            new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = "1" },
            Caps.Dropped, ["--reuid=65534", "--regid=65534", "--clear-groups"]);

        var health = await relay.WaitUntilServingAsync(new RelayTarget(https, "relay.test", certs.Root), "relay.test", "/healthz");
        Assert.Equal("HTTP/1.1 200 OK", health.StatusLine);
        Assert.Matches("""^\{"status":"ok","version":"0\.1\.0","commit":"(?:[0-9a-f]{40}|unknown)","connected_binaries":0,"connected_phones":0,"uptime_seconds":\d+\}$""", health.BodyText);
        Assert.Equal("65534\t65534\t65534\t65534", ProcFs.Status(relay.Pid, "Uid"));
        Assert.Equal("0000000000000000", ProcFs.Status(relay.Pid, "CapEff"));
        Assert.Equal(new[] { https, http }.Order(), ProcFs.ListeningPorts(relay.Pid));

        relay.Terminate();
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.True(code == 0, $"exit {code}; stderr:\n{string.Join("\n", stderr)}");
        Assert.Equal("", stdout);
        var lines = stderr.Select(LogfmtLine.Parse).ToList();
        Assert.Equal(
            ["INFO push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset", "INFO starting", "INFO shutdown signal received; draining", "INFO shutdown complete"],
            lines.Select(l => l.LevelMsg));
        var starting = lines[1];
        Assert.Equal(["time", "level", "msg", "version", "mode", "domain", "https_proxy_protocol"], starting.Keys);
        Assert.Equal(("0.1.0", "static-cert", "relay.test", "false"),
            (starting["version"], starting["mode"], starting["domain"], starting["https_proxy_protocol"]));
    }
}
