using System.Runtime.Versioning;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// A relay process with <c>--cluster-redis redis+sentinel://…</c> and <c>PYRYCODE_RELAY_REDIS_PASSWORD</c>
/// (docs/operations.md#redis-sentinel): the password authenticates to the primary the sentinel names and to the
/// sentinel, which either has no password or the same one. The node becomes ready, relays a phone to its binary, writes its claim to the primary,
/// and never prints the password.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class SentinelProcessTests
{
    private const string Secret = "pw-5d1e0b7c-sentinel-secret";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Password_protected_primary_behind_a_sentinel_node_becomes_ready_and_relays(bool sentinelRequiresPassword)
    {
        await using var set = await RedisSentinelSet.StartAsync(Secret, sentinelRequiresPassword);
        await using var relay = await LiveRelay.StartAsync(
            ["--cluster-redis", set.Address, "--node-id", "node-sentinel"],
            new Dictionary<string, string> { ["PYRYCODE_RELAY_REDIS_PASSWORD"] = Secret });

        var health = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", "127.0.0.1"));
        Assert.Contains("\"node_id\":\"node-sentinel\",\"cluster\":{\"redis\":\"up\"}", health.BodyText, StringComparison.Ordinal);
        Assert.Equal(200, (await RawHttp.SendAsync(relay.Target, RawHttp.Get("/readyz", "127.0.0.1"))).Status);

        await using (var binary = await relay.ConnectHolderAsync("srv-sent"))
        {
            var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("srv-sent");
            await using var _ = phone;
            await phone.SendTextAsync("[1]");
            Assert.Equal(Envelopes.Data(connId, "[1]"), await binary.ReceiveTextAsync());
            Assert.Contains("node-sentinel", await set.Primary.CommandAsync("HGET", "pyry:sid:srv-sent", "node"), StringComparison.Ordinal);
        }

        var stopped = await relay.StopAsync();
        Assert.Equal(0, stopped.ExitCode);
        Assert.Contains($"addr={RedisSentinelSet.MasterName}@127.0.0.1:{set.SentinelPort}", stopped.Stdout + stopped.StderrText, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stopped.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stopped.StderrText, StringComparison.Ordinal);
    }
}
