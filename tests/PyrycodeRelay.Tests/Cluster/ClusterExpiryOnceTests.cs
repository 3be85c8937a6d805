using System.Diagnostics;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Issue 14 behaviour 6 (docs/architecture.md#cluster-mode, docs/protocol.md#grace-reclaim-and-expiry): whichever node
/// first sees a grace deadline pass carries out the expiry, atomically, once. Three in-process nodes on one real
/// redis-server: the binary on node A, one phone of it on node B and one on node C; every phone is closed <c>1000</c>
/// exactly once, exactly one node logs <c>server_grace_expired</c>, and the server-id's keys are gone from Redis.
/// </summary>
public sealed class ClusterExpiryOnceTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private static int ExpiryLines(ClusterRig rig) => rig.Nodes.Sum(n => n.Logs.Named("server_grace_expired").Count(e => e["server_id"] == "s1"));

    private static async Task AssertExpiredOnceAsync(ClusterRig rig, Stopwatch sinceGrace, params WsTestClient[] phones)
    {
        foreach (var phone in phones)
        {
            Assert.Equal((1000, ""), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(15)));
        }

        // A timer may fire one tick early, never a whole tick: the deadline is the grace period after the release.
        Assert.True(sinceGrace.Elapsed >= Grace - TimeSpan.FromMilliseconds(20), $"phones closed {sinceGrace.Elapsed} after the grace began");
        foreach (var phone in phones)
        {
            var end = await phone.NextAsync();
            Assert.False(end.IsClose || end.IsMessage, "after the expiry close: " + end); // closed exactly once, nothing else
        }

        await Eventually.Async(() => ExpiryLines(rig) >= 1, "an expiry logged");

        // Every surviving node's sweep (once a second with the 3 s lease) has looked at s1 again by now: still one expiry.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(1, ExpiryLines(rig));
        Assert.Contains(":0", await rig.Redis.CommandAsync("EXISTS", "pyry:sid:s1", "pyry:sid:s1:phones"), StringComparison.Ordinal);
    }

    private static async Task<(WsTestClient Binary, WsTestClient PB, WsTestClient PC)> ConnectAsync(ClusterRig rig)
    {
        var (a, b, c) = (rig.Nodes[0], rig.Nodes[1], rig.Nodes[2]);
        var binary = await a.ConnectHolderAsync(read: true);
        var (pb, cb) = await b.ConnectRegisteredPhoneAsync(read: true);
        var (pc, cc) = await c.ConnectRegisteredPhoneAsync(read: true);
        await pb.SendTextAsync("[\"b\"]");
        Assert.Equal(Envelopes.Data(cb, "[\"b\"]"), await binary.ReceiveTextAsync());
        await pc.SendTextAsync("[\"c\"]");
        Assert.Equal(Envelopes.Data(cc, "[\"c\"]"), await binary.ReceiveTextAsync());
        return (binary, pb, pc);
    }

    [Fact]
    public async Task After_the_holders_node_shut_down_one_of_the_two_other_nodes_expires_the_grace_once()
    {
        await using var rig = await ClusterRig.StartAsync(3, o => o with { GracePeriod = Grace });
        var (binary, pb, pc) = await ConnectAsync(rig);
        await using var _b = binary;
        await using var _pb = pb;
        await using var _pc = pc;

        var sinceGrace = Stopwatch.StartNew();
        await rig.Nodes[0].DisposeAsync(); // graceful shutdown: s1 enters grace, held in Redis only; B and C race for the expiry
        Assert.Equal((1001, "shutting down"), await binary.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        await AssertExpiredOnceAsync(rig, sinceGrace, pb, pc);
        Assert.Empty(rig.Nodes[0].Logs.Named("server_grace_expired")); // the node that shut down does not expire it
    }

    [Fact]
    public async Task After_the_binary_disconnected_one_of_the_three_nodes_expires_the_grace_once()
    {
        await using var rig = await ClusterRig.StartAsync(3, o => o with { GracePeriod = Grace });
        var (binary, pb, pc) = await ConnectAsync(rig);
        await using var _pb = pb;
        await using var _pc = pc;
        var (pa, _) = await rig.Nodes[0].ConnectRegisteredPhoneAsync(read: true); // and one on the binary's own node
        await using var _pa = pa;

        var sinceGrace = Stopwatch.StartNew();
        await binary.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        Assert.Equal((1000, ""), await binary.ReceiveCloseAsync());
        await binary.DisposeAsync(); // A's grace timer, B's and C's sweeps all race for the expiry
        await AssertExpiredOnceAsync(rig, sinceGrace, pa, pb, pc);
    }
}
