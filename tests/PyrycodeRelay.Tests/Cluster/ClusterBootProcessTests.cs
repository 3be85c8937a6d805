using System.Runtime.Versioning;
using PyrycodeRelay.Tests.Startup.Process;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Cluster-mode boot against the real relay process and a real redis-server (docs/operations.md#running-a-cluster):
/// a malformed <c>--cluster-redis</c> exits 2, FLY_APP_NAME no longer refuses with the flag, and a node whose Redis
/// is unreachable starts, answers 503 until Redis comes up, then becomes ready without a restart.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class ClusterBootProcessTests
{
    [Fact]
    public async Task Malformed_cluster_redis_exits_2_with_the_documented_line_and_no_secret()
    {
        var (error, stderr) = await ProcessBootAssert.RefusesAsync("refusing to start: invalid --cluster-redis",
            [.. RelayProcessRunner.InsecureArgs(), "--cluster-redis", "redis://:hunter2@127.0.0.1:6379"]);
        Assert.Equal(["time", "level", "msg", "err", "fix"], error.Keys);
        Assert.DoesNotContain(stderr, l => l.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_node_id_and_short_lease_exit_2()
    {
        await ProcessBootAssert.RefusesAsync("refusing to start: invalid --node-id",
            [.. RelayProcessRunner.InsecureArgs(), "--cluster-redis", "127.0.0.1:6379", "--node-id", "bad id"]);
        await ProcessBootAssert.RefusesAsync("refusing to start: invalid --cluster-lease",
            [.. RelayProcessRunner.InsecureArgs(), "--cluster-redis", "127.0.0.1:6379", "--cluster-lease", "2s"]);
    }

    [Fact]
    public async Task Fly_app_name_starts_with_cluster_redis_and_logs_shared_registry()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var relay = await LiveRelay.StartAsync(
            ["--cluster-redis", redis.Address, "--node-id", "node-a"],
            new Dictionary<string, string> { ["FLY_APP_NAME"] = "pyrycode-relay" });
        var check = await relay.WaitForLogAsync("single_instance_check");
        Assert.Equal("INFO", check["level"]);
        Assert.Equal("shared_registry", check["result"]);
        Assert.Equal("node-a", check["node_id"]);
        Assert.DoesNotContain(relay.Lines, l => l["level"] == "ERROR");
        var health = await relay.Http.GetStringAsync(new Uri($"http://127.0.0.1:{relay.Port}/healthz"));
        Assert.Contains("\"node_id\":\"node-a\",\"cluster\":{\"redis\":\"up\"}}", health, StringComparison.Ordinal);
        var stopped = await relay.StopAsync();
        Assert.Equal(0, stopped.ExitCode);
    }

    [Fact]
    public async Task Unreachable_redis_starts_not_ready_with_503_upgrades_then_becomes_ready()
    {
        var redis = RedisServer.Unstarted();
        await using var _ = redis;
        var port = RelayProcessRunner.FreePort();
        var metricsPort = RelayProcessRunner.FreePort();
        await using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen", "127.0.0.1:" + metricsPort,
             "--cluster-redis", "redis://" + redis.Address + "/0", "--node-id", "node-b", "--cluster-lease", "3s"],
            new RelayTarget(port), "127.0.0.1", metricsPort,
            new Dictionary<string, string> { ["PYRYCODE_RELAY_REDIS_PASSWORD"] = "" }, waitReady: false);

        // Serving (healthz answers) but not ready, and upgrades are refused 503 before the upgrade.
        await Eventually.Async(() => HealthText(relay).Contains("\"cluster\":{\"redis\":\"down\"}", StringComparison.Ordinal),
            "healthz reports redis down", TimeSpan.FromSeconds(30));
        var ready = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/readyz", "127.0.0.1"));
        Assert.Equal(503, ready.Status);
        Assert.Equal("{\"ready\":false}", ready.BodyText);
        var upgrade = await RawHttp.SendAsync(relay.Target, RawHttp.BinaryUpgrade("127.0.0.1", "srv-1"));
        Assert.Equal(503, upgrade.Status);
        var phone = await RawHttp.SendAsync(relay.Target, RawHttp.PhoneUpgrade("127.0.0.1", "srv-1"));
        Assert.Equal(503, phone.Status);
        var unavailable = await relay.WaitForLogAsync("cluster_unavailable");
        Assert.Equal("node-b", unavailable["node_id"]);
        var down = await MetricsScrape.ScrapeAsync(metricsPort);
        Assert.Equal(0, down.Series("pyrycode_relay_cluster_redis_up"));
        Assert.False(relay.Process.HasExited);

        // Redis comes up: the node connects on its own and becomes ready (backoff at most 5 s).
        await redis.StartAgainAsync();
        await relay.WaitReadyAsync();
        Assert.Contains("\"cluster\":{\"redis\":\"up\"}", HealthText(relay), StringComparison.Ordinal);
        var up = await MetricsScrape.ScrapeAsync(metricsPort);
        Assert.Equal(1, up.Series("pyrycode_relay_cluster_redis_up"));
        await relay.WaitForLogAsync("cluster_redis_up");
        Assert.Equal(0, (await relay.StopAsync()).ExitCode);
    }

    private static string HealthText(LiveRelay relay)
    {
        try
        {
            return RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", "127.0.0.1")).GetAwaiter().GetResult().BodyText;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return "";
        }
    }
}
