using System.Globalization;
using System.Net.WebSockets;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// <c>--cluster-redis redis+sentinel://…</c> (docs/operations.md#redis-sentinel) against a real primary, replica and
/// sentinel: two nodes find the primary through the sentinel, a cross-node round trip is byte-exact, and when the
/// sentinel fails the primary over (forced, or after kill -9) the nodes follow the new primary. Nothing is lost
/// silently: every phone either receives every frame in order or is closed <c>1011 cluster link lost</c>.
/// </summary>
public sealed class SentinelTests
{
    private const int Frames = 1500;

    [Fact]
    public Task Forced_failover_mid_flood_nodes_follow_the_new_primary_and_lose_nothing_silently() =>
        FailoverMidFloodAsync(set => set.FailoverAsync());

    [Fact]
    public Task Primary_killed_mid_flood_nodes_follow_the_promoted_replica_and_lose_nothing_silently() =>
        FailoverMidFloodAsync(set => set.Primary.StopAsync());

    private static async Task FailoverMidFloodAsync(Func<RedisSentinelSet, Task> fail)
    {
        await using var set = await RedisSentinelSet.StartAsync();
        // A 10 s lease: the binary's claim outlives the failover (a lost lease is RedisFailureTests' subject).
        await using var a = await StartNodeAsync(set, "node-a");
        await using var b = await StartNodeAsync(set, "node-b");
        Assert.Equal($"{RedisSentinelSet.MasterName}@127.0.0.1:{set.SentinelPort}", a.Logs.Named("cluster_redis_up")[0]["addr"]);
        var binary = await a.ConnectHolderAsync(read: true);
        var phones = new List<(WsTestClient Client, string ConnId)>();
        for (var i = 0; i < 4; i++)
        {
            var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
            var frame = "{\"hello\":" + i.ToString(CultureInfo.InvariantCulture) + "}";
            await phone.SendTextAsync(frame);
            Assert.Equal(Envelopes.Data(connId, frame), await binary.ReceiveTextAsync()); // phone (B) -> binary (A), byte-exact
            await binary.SendTextAsync(Envelopes.Data(connId, "{\"back\":true}"));
            Assert.Equal("{\"back\":true}", await phone.ReceiveTextAsync()); // binary (A) -> phone (B), byte-exact
            phones.Add((phone, connId));
        }

        var readers = phones.Select(p => Task.Run(() => ClusterRig.ReadInOrderAsync(p.Client, Frames, TimeSpan.FromSeconds(45)))).ToList();
        var flood = Task.Run(async () =>
        {
            for (var n = 0; n < Frames; n++)
            {
                foreach (var (phone, connId) in phones)
                {
                    if (binary.Socket.State != WebSocketState.Open)
                    {
                        return;
                    }

                    try
                    {
                        await binary.SendTextAsync(Envelopes.Data(connId, n.ToString(CultureInfo.InvariantCulture)));
                    }
                    catch (WebSocketException)
                    {
                        return; // the binary was closed (its close is asserted below)
                    }
                }

                if (n == 300)
                {
                    await fail(set);
                }

                if (n == 600)
                {
                    await set.WaitPromotedAsync(TimeSpan.FromSeconds(30)); // the rest of the flood is sent after the switch
                }
            }
        });

        await flood.WaitAsync(TimeSpan.FromSeconds(60));
        var outcomes = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(90));
        foreach (var (received, close) in outcomes)
        {
            Assert.True(received == Frames || close == (1011, "cluster link lost"), $"received {received} of {Frames}, close {close}");
        }

        // The sentinel promoted the replica; both nodes follow it and new connections work again.
        await set.WaitPromotedAsync(TimeSpan.FromSeconds(30));
        await ClusterRig.WaitReadyAsync(a);
        await ClusterRig.WaitReadyAsync(b);
        await Eventually.Async(() => set.Replica.CommandAsync("HGET", "pyry:sid:s1", "node").GetAwaiter().GetResult().Contains("node-a", StringComparison.Ordinal),
            "s1 is held by node-a on the new primary", TimeSpan.FromSeconds(30));
        var (p2, c2) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await p2.SendTextAsync("{\"after\":true}");
        Assert.Equal(Envelopes.Data(c2, "{\"after\":true}"), await ClusterRig.ReceiveDataForAsync(binary, c2));
        await binary.SendTextAsync(Envelopes.Data(c2, "{\"reply\":1}"));
        Assert.Equal("{\"reply\":1}", await p2.ReceiveTextAsync(TimeSpan.FromSeconds(10)));
        await binary.DisposeAsync();
        foreach (var (phone, _) in phones)
        {
            await phone.DisposeAsync();
        }
    }

    private static async Task<TestRelay> StartNodeAsync(RedisSentinelSet set, string id)
    {
        var node = await TestRelay.StartAsync(o => o with { ClusterRedis = set.Address, NodeId = id, ClusterLease = TimeSpan.FromSeconds(10) }, metrics: true);
        await ClusterRig.WaitReadyAsync(node);
        return node;
    }
}
