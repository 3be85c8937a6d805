using System.Runtime.Versioning;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// <c>PYRYCODE_RELAY_REDIS_PASSWORD</c> against a real redis-server started with <c>--requirepass</c>
/// (docs/operations.md#running-a-cluster): the right password makes the node ready and claims work; a wrong or missing
/// one leaves it running but not ready (503), and the password never appears in its output.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class RedisPasswordProcessTests
{
    private const string Secret = "pw-7f3a9c1e-redis-secret";
    private const string EnvVar = "PYRYCODE_RELAY_REDIS_PASSWORD";

    [Fact]
    public async Task Right_password_node_becomes_ready_and_relays_a_claimed_binarys_phone()
    {
        await using var redis = await RedisServer.StartAsync(password: Secret);
        await using var relay = await LiveRelay.StartAsync(
            ["--cluster-redis", "redis://" + redis.Address + "/0", "--node-id", "node-pw"],
            new Dictionary<string, string> { [EnvVar] = Secret });

        var ready = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/readyz", "127.0.0.1"));
        Assert.Equal(200, ready.Status);
        var health = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", "127.0.0.1"));
        Assert.Contains("\"node_id\":\"node-pw\",\"cluster\":{\"redis\":\"up\"}", health.BodyText, StringComparison.Ordinal);

        await using (var binary = await relay.ConnectHolderAsync("srv-pw"))
        {
            var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("srv-pw");
            await using var _ = phone;
            await phone.SendTextAsync("[1]");
            Assert.Equal(Envelopes.Data(connId, "[1]"), await binary.ReceiveTextAsync());

            // The claim lives in the password-protected Redis (read back with AUTH): the node really wrote it there.
            var keys = await redis.CommandAsync("KEYS", "*srv-pw*");
            Assert.Contains("srv-pw", keys, StringComparison.Ordinal);
        }

        var stopped = await relay.StopAsync();
        Assert.Equal(0, stopped.ExitCode);
        AssertNoSecret(stopped);
    }

    [Theory]
    [InlineData("wrong-password")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Wrong_or_missing_password_node_stays_not_ready_and_never_prints_the_password(string? password)
    {
        await using var redis = await RedisServer.StartAsync(password: Secret);
        var port = RelayProcessRunner.FreePort();
        var env = password is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [EnvVar] = password };
        await using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen=", "--cluster-redis", redis.Address, "--node-id", "node-pw"],
            new RelayTarget(port), "127.0.0.1", 0, env, waitReady: false);

        // The node serves (healthz answers) but reports Redis down: it was refused, not unreachable.
        var down = await relay.WaitForLogAsync("cluster_redis_down");
        Assert.Equal("node-pw", down["node_id"]);
        await Eventually.Async(() => HealthText(relay).Contains("\"cluster\":{\"redis\":\"down\"}", StringComparison.Ordinal),
            "healthz reports redis down", TimeSpan.FromSeconds(30));
        var ready = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/readyz", "127.0.0.1"));
        Assert.Equal(503, ready.Status);
        Assert.Equal("{\"ready\":false}", ready.BodyText);
        var upgrade = await RawHttp.SendAsync(relay.Target, RawHttp.BinaryUpgrade("127.0.0.1", "srv-pw"));
        Assert.Equal(503, upgrade.Status);
        await relay.WaitForLogAsync("cluster_unavailable");
        Assert.DoesNotContain(relay.Lines, l => l["msg"] == "cluster_redis_up");
        Assert.False(relay.Process.HasExited);

        var stopped = await relay.StopAsync();
        Assert.Equal(0, stopped.ExitCode);
        AssertNoSecret(stopped);
        if (!string.IsNullOrEmpty(password))
        {
            Assert.DoesNotContain(password, stopped.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(password, stopped.StderrText, StringComparison.Ordinal);
        }
    }

    private static void AssertNoSecret(StoppedRelay stopped)
    {
        Assert.DoesNotContain(Secret, stopped.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stopped.StderrText, StringComparison.Ordinal);
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
