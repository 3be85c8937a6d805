using System.Diagnostics;
using System.Runtime.Versioning;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Node failures with node A as a real relay process (kill -9, SIGSTOP/SIGCONT) and node B in process, sharing a real
/// redis-server (docs/operations.md#running-a-cluster, docs/architecture.md#cluster-mode).
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class NodeFailureProcessTests
{
    /// <summary>Node A's lease: the node that is killed or paused, so its lease running out is what the tests observe.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Node B's lease (each node writes its own lease into the claims it holds): B runs inside the loaded test host, and
    /// a 3 s lease renewed every second let a scheduling stall of ~2 s expire B's claim on the redialled binary, closing
    /// its phone <c>1011 cluster link lost</c> mid-test. Nothing here waits on B's lease, so it is made long enough that
    /// no stall can lapse it.
    /// </summary>
    private static readonly TimeSpan SurvivorLease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Kill_9_of_the_binarys_node_binary_redials_another_node_and_gets_its_id_back_within_lease_plus_probe()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartProcessNodeAsync(redis);
        await using var b = await StartInProcessNodeAsync(redis);
        var b1 = await WsTestClient.ConnectBinaryAsync(a.Target, read: true);
        await a.WaitForLogAsync("server_claimed");
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        await phone.SendTextAsync("[1]");
        Assert.Equal(Envelopes.Data(connId, "[1]"), await b1.ReceiveTextAsync());

        var clock = Stopwatch.StartNew();
        a.Process.Signal("KILL");
        await b1.DisposeAsync();
        await using var b2 = await b.ConnectHolderAsync(read: true); // the daemon redials, reaching node B
        Assert.True(clock.Elapsed < Lease + Probe + TimeSpan.FromSeconds(4), $"server-id back after {clock.Elapsed}"); // slack: 2 shared cores
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync());
        var (p2, c2) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await p2.SendTextAsync("[2]");
        Assert.Equal(Envelopes.Data(c2, "[2]"), await b2.ReceiveTextAsync());
    }

    [Fact]
    public async Task Kill_9_without_a_redial_phones_on_other_nodes_grace_from_the_lease_end_then_1000()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartProcessNodeAsync(redis);
        await using var b = await StartInProcessNodeAsync(redis);
        await using var b1 = await WsTestClient.ConnectBinaryAsync(a.Target, read: true);
        await a.WaitForLogAsync("server_claimed");
        var (phone, _) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;

        var clock = Stopwatch.StartNew();
        a.Process.Signal("KILL");
        Assert.Equal((1000, ""), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(20)));
        // Lower bound: the lease (renewed at most 1 s before the kill) plus the 1 s grace; upper: generous for 2 shared cores.
        Assert.True(clock.Elapsed >= Lease, $"expired after {clock.Elapsed}");
        await b.Logs.WaitForAsync("server_grace_expired");
    }

    [Fact]
    public async Task Sigstop_past_the_lease_then_sigcont_the_paused_node_delivers_nothing_after_the_takeover()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartProcessNodeAsync(redis);
        await using var b = await StartInProcessNodeAsync(redis);
        await using var b1 = await WsTestClient.ConnectBinaryAsync(a.Target, read: true);
        await a.WaitForLogAsync("server_claimed");
        var (p1, c1) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p1 = p1;
        await p1.SendTextAsync("[1]");
        Assert.Equal(Envelopes.Data(c1, "[1]"), await b1.ReceiveTextAsync());

        a.Process.Signal("STOP");
        try
        {
            await using var b2 = await b.ConnectHolderAsync(read: true); // node A does not answer the probe: takeover
            Assert.Equal((4404, "binary reclaimed server-id"), await p1.ReceiveCloseAsync());
            var (p2, c2) = await b.ConnectRegisteredPhoneAsync(read: true);
            await using var _p2 = p2;
            await Task.Delay(Lease + TimeSpan.FromSeconds(2)); // the partition outlasts node A's lease (3 s) well

            // The paused node's binary still addresses the old phone; none of it may reach anyone after the takeover.
            await b1.SendTextAsync(Envelopes.Data(c1, "{\"stale\":1}"));
            a.Process.Signal("CONT");
            var (code, reason) = await b1.ReadUntilCloseAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(1011, code); // closed as displaced or for its lost lease; never 4409
            Assert.Contains(reason, new[] { "heartbeat timeout", "cluster lease lost" });
            await p2.AssertSilentAsync(TimeSpan.FromSeconds(1));
            await p2.SendTextAsync("[2]");
            Assert.Equal(Envelopes.Data(c2, "[2]"), await b2.ReceiveTextAsync());
            Assert.DoesNotContain(a.Lines, l => l["msg"] == "server_id_conflict");
        }
        finally
        {
            a.Process.Signal("CONT");
        }
    }

    private static Task<LiveRelay> StartProcessNodeAsync(RedisServer redis) => LiveRelay.StartAsync(
        ["--cluster-redis", redis.Address, "--node-id", "node-a", "--cluster-lease", "3s", "--conflict-probe-timeout", "1s", "--grace-period", "1s"]);

    private static async Task<TestRelay> StartInProcessNodeAsync(RedisServer redis)
    {
        var node = await TestRelay.StartAsync(o => o with
        {
            ClusterRedis = redis.Address, NodeId = "node-b", ClusterLease = SurvivorLease, ConflictProbeTimeout = Probe, GracePeriod = TimeSpan.FromSeconds(1),
        });
        await ClusterRig.WaitReadyAsync(node);
        return node;
    }
}
