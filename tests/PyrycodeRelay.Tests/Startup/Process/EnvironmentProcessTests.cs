using System.Runtime.Versioning;
namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>Scenarios A6, A8, A9, A10 (production and credentials) against the real relay process.</summary>
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
            ProcessBootAssert.InsecureArgs(), new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = value });
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
            ProcessBootAssert.InsecureArgs(), new Dictionary<string, string> { ["PYRYCODE_RELAY_FCM_CREDENTIALS"] = value });
        Assert.Equal("PYRYCODE_RELAY_FCM_CREDENTIALS", error["env_var"]);
        Assert.Equal("malformed-value: not a service-account JSON key (value withheld)", error["reason"]);
        Assert.DoesNotContain(stderr, l => l.Contains("MARKER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A9_production_refuses_the_insecure_listener()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: production-mode misconfiguration",
            ProcessBootAssert.InsecureArgs(), new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = "1" });
        Assert.Equal(["time", "level", "msg", "err", "env_var", "fix"], error.Keys);
        Assert.Equal("PYRYCODE_RELAY_PRODUCTION", error["env_var"]);
        Assert.Contains("--insecure-listen", error["err"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A10_production_refuses_root_in_tls_mode()
    {
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: production-mode misconfiguration",
            ["--domain", "relay.test", "--https-listen", ":" + RelayProcess.FreePort(), "--http-listen", ":" + RelayProcess.FreePort(),
                "--metrics-listen="],
            new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = "1" });
        Assert.Equal(["time", "level", "msg", "err", "env_var", "effective_uid", "fix"], error.Keys);
        Assert.Equal("0", error["effective_uid"]);
        Assert.Equal("relay: effective uid is 0 with PYRYCODE_RELAY_PRODUCTION=1; refusing to start", error["err"]);
    }

    [Fact]
    public async Task A10_production_as_uid_65534_passes_the_production_checks()
    {
        var dir = Directory.CreateTempSubdirectory("relay-a10-");
        try
        {
            File.SetUnixFileMode(dir.FullName, (UnixFileMode)0x1FF); // 0777: the unprivileged relay may create its cert cache here
            var (cert, key) = TestCertificate.WriteSelfSigned(dir.FullName, "relay.test");
            var stderr = await ProcessBootAssert.StartsAsync(
                ["--domain", "relay.test", "--tls-cert-file", cert, "--tls-key-file", key,
                    "--https-listen", ":" + RelayProcess.FreePort(), "--http-listen", ":" + RelayProcess.FreePort(), "--metrics-listen="],
                new Dictionary<string, string> { ["PYRYCODE_RELAY_PRODUCTION"] = "1" },
                Caps.Dropped, ["--reuid=65534", "--regid=65534", "--clear-groups"]);
            var starting = LogfmtLine.Parse(Assert.Single(stderr, l => l.Contains(" msg=starting ", StringComparison.Ordinal)));
            Assert.Equal("static-cert", starting["mode"]);
            Assert.Equal("relay.test", starting["domain"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
