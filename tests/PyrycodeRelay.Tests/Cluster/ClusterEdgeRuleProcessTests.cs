using System.Diagnostics;
using System.Runtime.Versioning;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Issue 14's edge rules that need a node to die or pause (docs/operations.md#running-a-cluster): node A is a real
/// relay process (kill -9, SIGSTOP), node B in process, one real redis-server.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class ClusterEdgeRuleProcessTests
{
    /// <summary>":1" once the lease of <paramref name="sid"/>'s live claim has passed by Redis time.</summary>
    private const string LeaseLapsed = "local u = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') local tm = redis.call('TIME') "
        + "if u < tonumber(tm[1]) * 1000 then return 1 else return 0 end";

    [Fact]
    public async Task Takeover_is_immediate_when_the_incumbents_node_is_provably_gone()
    {
        // Lease 15 s and probe 20 s: a takeover within a few seconds was decided by "nobody reads that node's inbox".
        await using var redis = await RedisServer.StartAsync();
        await using var a = await LiveRelay.StartAsync(
            ["--cluster-redis", redis.Address, "--node-id", "node-a", "--cluster-lease", "15s", "--conflict-probe-timeout", "20s"]);
        await using var b = await StartNodeBAsync(redis, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        var b1 = await a.ConnectHolderAsync("s1");
        var (phone, _) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;

        a.Process.Signal("KILL");
        await b1.DisposeAsync();
        await Eventually.Async(
            () => redis.CommandAsync("PUBSUB", "NUMSUB", "pyry:inbox:node-a").GetAwaiter().GetResult().EndsWith(":0\r\n", StringComparison.Ordinal),
            "Redis saw node A's inbox subscription go");
        var clock = Stopwatch.StartNew();
        await using var b2 = await b.ConnectHolderAsync("s1", read: true);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"takeover took {clock.Elapsed}: it waited for the probe timeout or the lease");
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync());
        Assert.Single(b.Logs.Named("server_id_takeover"));
        Assert.Empty(b.Logs.Named("server_id_conflict"));
    }

    [Fact]
    public async Task Phone_registering_while_the_holders_node_is_paused_is_closed_1011_cluster_link_lost_after_the_probe_timeout()
    {
        var probe = TimeSpan.FromSeconds(2);
        await using var redis = await RedisServer.StartAsync();
        await using var a = await LiveRelay.StartAsync(
            ["--cluster-redis", redis.Address, "--node-id", "node-a", "--cluster-lease", "15s", "--conflict-probe-timeout", "2s"]);
        await using var b = await StartNodeBAsync(redis, TimeSpan.FromSeconds(15), probe, TimeSpan.FromSeconds(30));
        await using var b1 = await a.ConnectHolderAsync("s1");

        a.Process.Signal("STOP");
        try
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await using var phone = await WsTestClient.ConnectPhoneAsync(b.Target, read: true);
                Assert.Equal((1011, "cluster link lost"), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(15)));
                Assert.True(clock.Elapsed >= probe - TimeSpan.FromMilliseconds(100), $"closed after {clock.Elapsed}, before the probe timeout");
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or InvalidOperationException or OperationCanceledException)
            {
                // Both nodes' logs with the failure: an intermittent failure must be diagnosable from one CI run.
                throw new Xunit.Sdk.XunitException($"after {clock.Elapsed}: {e.Message}\nnode B:\n{b.Logs.AllText()}\nnode A:\n{string.Join("\n", a.Process.StderrLines)}", e);
            }
        }
        finally
        {
            a.Process.Signal("CONT");
        }
    }

    [Fact]
    public async Task After_the_holders_node_died_a_new_phone_registers_during_the_grace_and_the_reclaim_closes_it_4404()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await LiveRelay.StartAsync(
            ["--cluster-redis", redis.Address, "--node-id", "node-a", "--cluster-lease", "3s", "--grace-period", "60s"]);
        await using var b = await StartNodeBAsync(redis, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var b1 = await a.ConnectHolderAsync("s1");
        a.Process.Signal("KILL");
        await b1.DisposeAsync();
        await Eventually.Async(
            () => redis.CommandAsync("EVAL", LeaseLapsed, "1", "pyry:sid:s1").GetAwaiter().GetResult().StartsWith(":1", StringComparison.Ordinal),
            "lease of s1 lapsed", TimeSpan.FromSeconds(15));

        // Grace held in Redis only (its node is dead): a new phone registers as usual (101, docs/protocol.md#grace-reclaim-and-expiry).
        var (phone, _) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        await phone.AssertSilentAsync(TimeSpan.FromMilliseconds(500));

        await using var b2 = await b.ConnectHolderAsync("s1", read: true);
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync());
        var (p2, c2) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await p2.SendTextAsync("[1]");
        Assert.Equal(Envelopes.Data(c2, "[1]"), await b2.ReceiveTextAsync());
    }

    private static async Task<TestRelay> StartNodeBAsync(RedisServer redis, TimeSpan lease, TimeSpan probe, TimeSpan grace)
    {
        var node = await TestRelay.StartAsync(o => o with
        {
            ClusterRedis = redis.Address, NodeId = "node-b", ClusterLease = lease, ConflictProbeTimeout = probe, GracePeriod = grace,
        });
        await ClusterRig.WaitReadyAsync(node);
        return node;
    }
}
