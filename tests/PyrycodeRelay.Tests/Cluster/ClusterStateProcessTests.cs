using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Server keys and <c>--max-server-ids</c> after the holder's node died (kill -9): node A is a real relay process,
/// node B in process, one real redis-server (docs/operations.md#running-a-cluster).
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class ClusterStateProcessTests
{
    private const string Header = "X-Pyrycode-Server-Key";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    /// <summary>":1" once the lease of <paramref name="sid"/>'s live claim has passed by Redis time (its holder's node is gone).</summary>
    private const string LeaseLapsed = "local u = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') local tm = redis.call('TIME') "
        + "if u < tonumber(tm[1]) * 1000 then return 1 else return 0 end";

    private static Task WaitLeaseLapsedAsync(RedisServer redis, string sid) => Eventually.Async(
        () => redis.CommandAsync("EVAL", LeaseLapsed, "1", "pyry:sid:" + sid).GetAwaiter().GetResult().StartsWith(":1", StringComparison.Ordinal),
        "lease of " + sid + " lapsed", TimeSpan.FromSeconds(15));

    private static Task<WsTestClient> ConnectAsync(TestRelay node, string serverId, string? key)
    {
        var headers = ClientHeaders.Binary(serverId);
        if (key is not null)
        {
            headers[Header] = key;
        }

        return WsTestClient.ConnectAsync(node.Target, "/v1/server", headers, read: true);
    }

    [Fact]
    public async Task Grace_after_kill_9_of_the_keyed_holders_node_refuses_a_wrong_key_4409_and_the_right_key_reclaims()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartProcessNodeAsync(redis);
        await using var b = await StartInProcessNodeAsync(redis, maxServerIds: 2048);
        var holder = await a.ConnectHolderAsync("k9", new Dictionary<string, string> { [Header] = "daemon-key" });
        var (phone, _) = await b.ConnectRegisteredPhoneAsync("k9", read: true);
        await using var _p = phone;

        a.Process.Signal("KILL");
        await holder.DisposeAsync();
        await WaitLeaseLapsedAsync(redis, "k9"); // now gracing from the lease end, held in Redis only

        foreach (var key in new string?[] { null, "guess" })
        {
            await using var attacker = await ConnectAsync(b, "k9", key);
            Assert.Equal((4409, "server-id already claimed"), await attacker.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(2, b.Logs.Named("server_key_mismatch").Count(e => e["server_id"] == "k9"));
        await phone.AssertSilentAsync(TimeSpan.FromMilliseconds(300)); // the grace and its phone are untouched

        var before = b.Logs.Named("server_claimed").Count;
        await using var back = await ConnectAsync(b, "k9", "daemon-key");
        await b.Logs.WaitForAsync("server_claimed", _ => b.Logs.Named("server_claimed").Count > before);
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("daemon-key")));
        Assert.Contains(hash, await redis.CommandAsync("HGET", "pyry:sid:k9", "key"), StringComparison.Ordinal);
        Assert.DoesNotContain("daemon-key", b.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_nodes_claim_counts_toward_max_server_ids_until_its_lease_lapses_then_it_is_cut_first()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartProcessNodeAsync(redis);
        await using var b = await StartInProcessNodeAsync(redis, maxServerIds: 2);
        var dead = await a.ConnectHolderAsync("dead");
        var (phone, _) = await b.ConnectRegisteredPhoneAsync("dead", read: true);
        await using var _p = phone;
        await using var live = await b.ConnectHolderAsync("live", read: true);

        a.Process.Signal("KILL");
        await dead.DisposeAsync();
        await using (var refused = await ConnectAsync(b, "n1", null))
        {
            // Right after the kill the dead node's lease still runs: both server-ids are live.
            Assert.Equal((1013, "relay at server-id capacity"), await refused.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        }

        await WaitLeaseLapsedAsync(redis, "dead");
        await using var n1 = await b.ConnectHolderAsync("n1", read: true);
        Assert.Equal("dead", Assert.Single(b.Logs.Named("server_grace_cut_short"))["server_id"]);
        Assert.Equal((1000, ""), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(b.Logs.Named("server_id_conflict"));
    }

    private static Task<LiveRelay> StartProcessNodeAsync(RedisServer redis) => LiveRelay.StartAsync(
        ["--cluster-redis", redis.Address, "--node-id", "node-a", "--cluster-lease", "3s", "--grace-period", "60s"]);

    private static async Task<TestRelay> StartInProcessNodeAsync(RedisServer redis, int maxServerIds)
    {
        var node = await TestRelay.StartAsync(o => o with
        {
            ClusterRedis = redis.Address, NodeId = "node-b", ClusterLease = Lease, GracePeriod = TimeSpan.FromSeconds(60), MaxServerIds = maxServerIds,
        });
        await ClusterRig.WaitReadyAsync(node);
        return node;
    }
}
