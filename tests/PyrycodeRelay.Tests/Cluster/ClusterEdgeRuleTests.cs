using System.Globalization;
using System.Text;
using PyrycodeRelay.Cluster;
using PyrycodeRelay.Tests.Observability.Metrics;
using PyrycodeRelay.Tests.Scenarios.Support;
using StackExchange.Redis;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Issue 14's edge rules and cluster metrics (docs/operations.md#running-a-cluster, docs/architecture.md#cluster-mode)
/// with in-process nodes and a real redis-server: stale epochs dropped and counted, epochs monotonic across a Redis
/// restart without persistence, the metric values, and where the Redis-down 503 sits in docs/protocol.md#before-the-upgrade.
/// </summary>
public sealed class ClusterEdgeRuleTests
{
    private const string Messages = "pyrycode_relay_cluster_messages_total";
    private const string StaleDrops = "pyrycode_relay_cluster_stale_epoch_drops_total";

    /// <summary>A counter's value, 0 when it has not been incremented yet.</summary>
    private static double Count(Exposition e, string family, string labels = "") =>
        e.Has(family) && e.NonZero(family).TryGetValue(labels, out var v) ? v : 0;

    private static async Task<long> EpochAsync(IDatabase db, string sid) =>
        long.Parse((string)(await db.HashGetAsync("pyry:sid:" + sid, "epoch"))!, CultureInfo.InvariantCulture);

    private static ulong KeyOf(string connId) => ulong.Parse(connId[^16..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Messages_from_an_older_epoch_are_dropped_and_counted_and_never_delivered()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { GracePeriod = TimeSpan.FromSeconds(30) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var mux = await ConnectionMultiplexer.ConnectAsync(rig.Redis.Address);
        var db = mux.GetDatabase();

        var b1 = await a.ConnectHolderAsync(read: true);
        var (p1, c1) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p1 = p1;
        var oldEpoch = await EpochAsync(db, "s1");
        await b1.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        Assert.Equal((1000, ""), await b1.ReceiveCloseAsync());
        await b1.DisposeAsync();
        await a.Logs.WaitForAsync("server_released");
        await using var b2 = await a.ConnectHolderAsync(read: true); // reclaim: a newer epoch
        Assert.Equal((4404, "binary reclaimed server-id"), await p1.ReceiveCloseAsync());
        var newEpoch = await EpochAsync(db, "s1");
        Assert.True(newEpoch > oldEpoch, $"epoch {oldEpoch} -> {newEpoch}");
        var (p2, c2) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        var before = Count(await b.ScrapeAsync(), StaleDrops);

        // Node A's binary of the old claim, as a paused node would send it after resuming: to the new phone and to the gone one.
        var stale = Encoding.UTF8.GetBytes("[\"stale\"]");
        foreach (var key in new[] { KeyOf(c2), KeyOf(c1) })
        {
            var message = new ClusterMessage(ClusterMessageType.ToPhone, "s1", "node-a", oldEpoch, 1, key, 0, true, stale);
            Assert.Equal(1, await mux.GetSubscriber().PublishAsync(RedisChannel.Literal("pyry:inbox:node-b"), message.Encode()));
        }

        await b.WaitForMetricsAsync(e => Count(e, StaleDrops) >= before + 2, "two stale-epoch drops on node B");
        await b2.SendTextAsync(Envelopes.Data(c2, "[\"fresh\"]")); // the current claim's first frame to p2: sequence 1 is still due
        Assert.Equal("[\"fresh\"]", await p2.ReceiveTextAsync());
        Assert.Equal(before + 2, Count(await b.ScrapeAsync(), StaleDrops));
        await p2.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Epochs_stay_monotonic_across_a_Redis_restart_without_persistence()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { ClusterLease = TimeSpan.FromSeconds(8), GracePeriod = TimeSpan.FromSeconds(30) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        for (var i = 0; i < 4; i++)
        {
            await using var warm = await a.ConnectHolderAsync("warm" + i, read: true); // push the counter up
        }

        await using var holder = await a.ConnectHolderAsync("s1", read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync("s1", read: true);
        await using var _p = phone;
        long held;
        await using (var mux = await ConnectionMultiplexer.ConnectAsync(rig.Redis.Address))
        {
            held = await EpochAsync(mux.GetDatabase(), "s1");
        }

        Assert.True(held >= 5, $"held epoch {held}");

        await rig.Redis.StopAsync();
        Assert.Equal((1011, "cluster link lost"), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await holder.ReceiveTextAsync()); // the close notice (docs/protocol.md#close-notice)
        await rig.Redis.StartAgainAsync(); // empty: no persistence, the counter starts again at 0
        await ClusterRig.WaitReadyAsync(a);
        await ClusterRig.WaitReadyAsync(b);
        await using var mux2 = await ConnectionMultiplexer.ConnectAsync(rig.Redis.Address);
        var db = mux2.GetDatabase();
        await Eventually.Async(() => db.HashGet("pyry:sid:s1", "node") == "node-a", "node-a re-registered s1");
        Assert.Equal(held, await EpochAsync(db, "s1"));
        Assert.True((long)await db.StringGetAsync("pyry:epoch") >= held, "the counter was re-seeded above the held epoch");

        // A new claim on either node, and a reclaim of s1 on the other node, get epochs above every epoch held before.
        await using var fresh = await b.ConnectHolderAsync("fresh", read: true);
        Assert.True(await EpochAsync(db, "fresh") > held, "new claim after the restart reused an old epoch");
        await holder.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        Assert.Equal((1000, ""), await holder.ReceiveCloseAsync());
        await a.Logs.WaitForAsync("server_released", e => e["server_id"] == "s1");
        await using var back = await b.ConnectHolderAsync("s1", read: true);
        var reclaimed = await EpochAsync(db, "s1");
        Assert.True(reclaimed > held, $"reclaim after the restart: epoch {reclaimed}, held before {held}");

        // And the new claim's messages are not taken for stale ones: a phone on node A reaches it and back.
        var (p2, c2) = await a.ConnectRegisteredPhoneAsync("s1", read: true);
        await using var _p2 = p2;
        await p2.SendTextAsync("[2]");
        Assert.Equal(Envelopes.Data(c2, "[2]"), await back.ReceiveTextAsync());
        await back.SendTextAsync(Envelopes.Data(c2, "[3]"));
        Assert.Equal("[3]", await p2.ReceiveTextAsync());
    }

    [Fact]
    public async Task Cluster_metrics_count_messages_by_direction_remote_phones_and_link_losses()
    {
        await using var rig = await ClusterRig.StartAsync();
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await a.ConnectHolderAsync(read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        for (var i = 0; i < 5; i++)
        {
            await phone.SendTextAsync($"[{i}]");
            Assert.Equal(Envelopes.Data(connId, $"[{i}]"), await binary.ReceiveTextAsync());
        }

        for (var i = 0; i < 3; i++)
        {
            await binary.SendTextAsync(Envelopes.Data(connId, $"{{\"b\":{i}}}"));
            Assert.Equal($"{{\"b\":{i}}}", await phone.ReceiveTextAsync());
        }

        var sa = await a.ScrapeAsync();
        var sb = await b.ScrapeAsync();
        Assert.Equal(5, Count(sb, Messages, "direction=phone_to_binary")); // published by the phone's node
        Assert.Equal(0, Count(sb, Messages, "direction=binary_to_phone"));
        Assert.Equal(3, Count(sa, Messages, "direction=binary_to_phone")); // published by the binary's node
        Assert.Equal(0, Count(sa, Messages, "direction=phone_to_binary"));
        Assert.Equal(1, sa.Series("pyrycode_relay_cluster_remote_phones")); // node A knows one phone held elsewhere
        Assert.Equal(0, sb.Series("pyrycode_relay_cluster_remote_phones"));
        Assert.Equal(0, Count(sb, "pyrycode_relay_cluster_link_losses_total"));
        Assert.Equal(1, sb.Series("pyrycode_relay_cluster_redis_up"));

        await rig.Redis.StopAsync();
        Assert.Equal((1011, "cluster link lost"), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        // Its binary's node is reachable from the binary: it gets the close notice (docs/protocol.md#close-notice), 1001, exactly once.
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());
        await binary.AssertSilentAsync(TimeSpan.FromMilliseconds(400));
        var down = await b.WaitForMetricsAsync(e => Count(e, "pyrycode_relay_cluster_link_losses_total") >= 1, "link loss counted on node B");
        Assert.Equal(1, Count(down, "pyrycode_relay_cluster_link_losses_total"));
        Assert.Equal(0, down.Series("pyrycode_relay_cluster_redis_up"));
        await a.WaitForMetricsAsync(e => e.Series("pyrycode_relay_cluster_remote_phones") == 0, "node A forgot the remote phone");
    }

    [Fact]
    public async Task Redis_down_503_comes_after_the_rate_limit_and_before_the_connection_cap()
    {
        await using var rig = await ClusterRig.StartAsync(1, o => o with
        {
            ClusterLease = TimeSpan.FromSeconds(30), MaxConnectionsPerSource = 1, RateLimitBurst = 3, RateLimitRefill = TimeSpan.FromMinutes(10),
        });
        var node = rig.Nodes[0];
        var source = node.Target.From("127.0.0.2");
        await using var holder = await node.ConnectHolderAsync("s1", source, read: true); // token 1; the source's one connection

        RelayResponses.AssertRefusal(await RawHttp.SendAsync(source, RawHttp.BinaryUpgrade("127.0.0.1", "s2")), 429); // token 2: the cap
        Assert.Single(node.Logs.Named("source_conn_cap_reached"));

        await rig.Redis.StopAsync();
        await Eventually.Async(() => !node.Http.GetAsync(new Uri("/readyz", UriKind.Relative)).GetAwaiter().GetResult().IsSuccessStatusCode,
            "node not ready once Redis is down");

        // Token 3: Redis is down, and that is answered before the (full) per-source cap.
        RelayResponses.AssertRefusal(await RawHttp.SendAsync(source, RawHttp.PhoneUpgrade("127.0.0.1", "s1")), 503);
        Assert.Single(node.Logs.Named("cluster_unavailable"));
        Assert.Single(node.Logs.Named("source_conn_cap_reached"));

        // No token left: the rate limit answers first, even while Redis is down.
        RelayResponses.AssertRefusal(await RawHttp.SendAsync(source, RawHttp.BinaryUpgrade("127.0.0.1", "s3")), 429);
        Assert.Single(node.Logs.Named("rate_limited"));
        Assert.Single(node.Logs.Named("cluster_unavailable"));
        Assert.Single(node.Logs.Named("source_conn_cap_reached"));
    }
}
