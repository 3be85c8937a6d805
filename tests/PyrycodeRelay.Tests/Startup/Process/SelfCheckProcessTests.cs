using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// Scenarios A1–A5, A7, A19 and the SI-5 cases against the real relay process. A relay that starts must also
/// serve <c>/healthz</c>, listen on exactly its ports and log exactly its boot and shutdown lines (no
/// multi-instance line).
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class SelfCheckProcessTests
{
    [Fact]
    public async Task A1_multi_instance_signal_refuses_with_the_documented_line()
    {
        var (error, stderr) = await ProcessBootAssert.RefusesAsync("refusing to start: multi-instance deploy detected",
            RelayProcessRunner.InsecureArgs(), new Dictionary<string, string> { ["FLY_APP_NAME"] = "pyrycode-relay" });
        Assert.Equal(["time", "level", "msg", "err", "bypass_env_var", "fix"], error.Keys);
        Assert.Equal("relay: multi-instance deploy detected; set PYRYCODE_RELAY_SINGLE_INSTANCE=1 to bypass", error["err"]);
        Assert.Equal("PYRYCODE_RELAY_SINGLE_INSTANCE", error["bypass_env_var"]);
        var line = Assert.Single(stderr, l => l.Contains("level=ERROR", StringComparison.Ordinal));
        Assert.Contains("multi-instance deploy detected", line, StringComparison.Ordinal);
        Assert.Contains("PYRYCODE_RELAY_SINGLE_INSTANCE", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A2_bypass_with_signal_starts_serves_and_exits_0_on_sigterm() =>
        await ProcessBootAssert.ServesAsync(
            new Dictionary<string, string> { ["FLY_APP_NAME"] = "pyrycode-relay", ["PYRYCODE_RELAY_SINGLE_INSTANCE"] = "1" });

    [Fact]
    public async Task A3_no_signal_starts_unchanged_and_serves() => await ProcessBootAssert.ServesAsync();

    [Fact]
    public async Task A4_only_the_bypass_starts_and_serves() =>
        await ProcessBootAssert.ServesAsync(new Dictionary<string, string> { ["PYRYCODE_RELAY_SINGLE_INSTANCE"] = "1" });

    [Fact]
    public async Task A5_malformed_bypass_gets_the_env_config_refusal_first()
    {
        var (error, stderr) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid env-var config",
            RelayProcessRunner.InsecureArgs(),
            new Dictionary<string, string> { ["FLY_APP_NAME"] = "pyrycode-relay", ["PYRYCODE_RELAY_SINGLE_INSTANCE"] = "true" });
        Assert.Equal("PYRYCODE_RELAY_SINGLE_INSTANCE", error["env_var"]);
        Assert.StartsWith("malformed-value: ", error["reason"], StringComparison.Ordinal);
        Assert.DoesNotContain(stderr, l => l.Contains("multi-instance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A7_unrelated_variables_are_ignored() =>
        await ProcessBootAssert.ServesAsync(new Dictionary<string, string> { ["FOO_BAR_BAZ"] = "garbage", ["PYRYCODE_UNKNOWN"] = "anything" });

    [Fact]
    public async Task A19_self_check_precedes_production_checks()
    {
        await ProcessBootAssert.RefusesAsync("refusing to start: multi-instance deploy detected", RelayProcessRunner.InsecureArgs(),
            new Dictionary<string, string> { ["FLY_APP_NAME"] = "x", ["PYRYCODE_RELAY_PRODUCTION"] = "1" });
        var (error, _) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid env-var config", RelayProcessRunner.InsecureArgs(),
            new Dictionary<string, string> { ["FLY_APP_NAME"] = "x", ["PYRYCODE_RELAY_PRODUCTION"] = "yes" });
        Assert.Equal("PYRYCODE_RELAY_PRODUCTION", error["env_var"]);
    }
}
