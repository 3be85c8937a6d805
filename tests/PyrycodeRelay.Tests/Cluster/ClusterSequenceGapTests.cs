using System.Globalization;
using System.Text;
using PyrycodeRelay.Cluster;
using PyrycodeRelay.Tests.Observability.Metrics;
using PyrycodeRelay.Tests.Scenarios.Support;
using StackExchange.Redis;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Issue 14 behaviour 4 (docs/architecture.md#cluster-mode): a gap in a cross-node phone's sequence numbers, injected as
/// a crafted message with the real <see cref="ClusterMessage"/> encoding into a live node's inbox, closes that phone
/// <c>1011 cluster link lost</c>, sends its binary exactly one close notice <c>1001</c> (docs/protocol.md#close-notice),
/// counts one link loss, delivers nothing after the gap, and leaves the binary's other phones alone. Two in-process
/// nodes on one real redis-server: binary on node A, phones on node B.
/// </summary>
public sealed class ClusterSequenceGapTests
{
    private const string LinkLosses = "pyrycode_relay_cluster_link_losses_total";

    private static double Count(Exposition e, string family) =>
        e.Has(family) && e.NonZero(family).TryGetValue("", out var v) ? v : 0;

    private static async Task<double> LossesAsync(TestRelay a, TestRelay b) => Count(await a.ScrapeAsync(), LinkLosses) + Count(await b.ScrapeAsync(), LinkLosses);

    private static ulong KeyOf(string connId) => ulong.Parse(connId[^16..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static async Task<long> EpochAsync(RedisServer redis, string sid)
    {
        var reply = await redis.CommandAsync("HGET", "pyry:sid:" + sid, "epoch"); // a RESP bulk string: $n\r\n<epoch>\r\n
        return long.Parse(reply.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static async Task PublishAsync(RedisServer redis, string node, ClusterMessage message)
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Address);
        Assert.Equal(1, await mux.GetSubscriber().PublishAsync(RedisChannel.Literal("pyry:inbox:" + node), message.Encode())); // the node reads it
    }

    private static string Notice(string connId) => $"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}";

    /// <summary>Binary on A, phones p1 and p2 on B, three frames each way for p1 (so both of p1's sequences stand at 3).</summary>
    private static async Task<(WsTestClient Binary, WsTestClient P1, string C1, WsTestClient P2, string C2)> ExchangeAsync(TestRelay a, TestRelay b)
    {
        var binary = await a.ConnectHolderAsync(read: true);
        var (p1, c1) = await b.ConnectRegisteredPhoneAsync(read: true);
        var (p2, c2) = await b.ConnectRegisteredPhoneAsync(read: true);
        for (var i = 1; i <= 3; i++)
        {
            await p1.SendTextAsync($"[{i}]");
            Assert.Equal(Envelopes.Data(c1, $"[{i}]"), await binary.ReceiveTextAsync());
            await binary.SendTextAsync(Envelopes.Data(c1, $"{{\"b\":{i}}}"));
            Assert.Equal($"{{\"b\":{i}}}", await p1.ReceiveTextAsync());
        }

        return (binary, p1, c1, p2, c2);
    }

    /// <summary>After p1's loss: exactly one notice reached the binary, one link loss was counted, p2 still round-trips both ways.</summary>
    private static async Task AssertOnlyP1LostAsync(TestRelay a, TestRelay b, WsTestClient binary, string c1, WsTestClient p2, string c2, double lossesBefore)
    {
        Assert.Equal(Notice(c1), await binary.ReceiveTextAsync()); // the close notice (docs/protocol.md#close-notice), 1001
        await Eventually.Async(() => LossesAsync(a, b).GetAwaiter().GetResult() >= lossesBefore + 1, "one link loss counted");
        await p2.SendTextAsync("[\"p2\"]");
        Assert.Equal(Envelopes.Data(c2, "[\"p2\"]"), await binary.ReceiveTextAsync()); // nothing (no second notice, no gap frame) before it
        await binary.SendTextAsync(Envelopes.Data(c2, "[\"to p2\"]"));
        Assert.Equal("[\"to p2\"]", await p2.ReceiveTextAsync());
        await binary.AssertSilentAsync(TimeSpan.FromMilliseconds(400));
        await p2.AssertSilentAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(lossesBefore + 1, await LossesAsync(a, b));
    }

    [Fact]
    public async Task A_gap_in_frames_toward_the_phone_closes_it_1011_and_sends_its_binary_one_1001_notice()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { GracePeriod = TimeSpan.FromSeconds(30) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        var (binary, p1, c1, p2, c2) = await ExchangeAsync(a, b);
        await using var _b = binary;
        await using var _p1 = p1;
        await using var _p2 = p2;
        var before = await LossesAsync(a, b);

        // Node A's next frame to p1 would carry sequence 4: this one skips it (right epoch, sequence 5).
        var gap = new ClusterMessage(ClusterMessageType.ToPhone, "s1", "node-a", await EpochAsync(rig.Redis, "s1"), 5, KeyOf(c1), 0, true,
            Encoding.UTF8.GetBytes("[\"gap\"]"));
        await PublishAsync(rig.Redis, "node-b", gap);

        Assert.Equal((1011, "cluster link lost"), await p1.ReceiveCloseAsync()); // the gap frame was not delivered before it
        await binary.SendTextAsync(Envelopes.Data(c1, "[\"after\"]")); // after the gap: must never reach p1
        await AssertOnlyP1LostAsync(a, b, binary, c1, p2, c2, before);
        var end = await p1.NextAsync();
        Assert.False(end.IsMessage, "p1 received a frame after the gap: " + end);
        Assert.False(end.IsClose, "p1 received a second close: " + end);
    }

    [Fact]
    public async Task A_gap_in_frames_toward_the_binary_closes_the_phone_1011_and_sends_its_binary_one_1001_notice()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { GracePeriod = TimeSpan.FromSeconds(30) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        var (binary, p1, c1, p2, c2) = await ExchangeAsync(a, b);
        await using var _b = binary;
        await using var _p1 = p1;
        await using var _p2 = p2;
        var before = await LossesAsync(a, b);

        // Node B's next frame of p1 would carry sequence 4: this one skips it (right epoch, sequence 5).
        var gap = new ClusterMessage(ClusterMessageType.ToBinary, "s1", "node-b", await EpochAsync(rig.Redis, "s1"), 5, KeyOf(c1), 0, true,
            Encoding.UTF8.GetBytes("[\"gap\"]"));
        await PublishAsync(rig.Redis, "node-a", gap);

        Assert.Equal((1011, "cluster link lost"), await p1.ReceiveCloseAsync());
        await AssertOnlyP1LostAsync(a, b, binary, c1, p2, c2, before); // the gap frame never reached the binary
        var end = await p1.NextAsync();
        Assert.False(end.IsMessage, "p1 received a frame after the gap: " + end);
        Assert.False(end.IsClose, "p1 received a second close: " + end);
    }
}
