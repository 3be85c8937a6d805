using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Redis trouble never becomes silent frame loss (docs/architecture.md#cluster-mode): a restart mid-flood, and a
/// Redis outage longer than the lease, with two in-process nodes and a real redis-server.
/// </summary>
public sealed class RedisFailureTests
{
    [Fact]
    public async Task Redis_restart_mid_flood_every_phone_gets_every_frame_in_order_or_is_closed_1011()
    {
        const int Frames = 1500;
        // A 6 s lease: the binary must outlive the restart (a lost lease is the other test).
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { ClusterLease = TimeSpan.FromSeconds(6) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await a.ConnectHolderAsync(read: true);
        var phones = new List<(WsTestClient Client, string ConnId)>();
        for (var i = 0; i < 4; i++)
        {
            var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
            await phone.SendTextAsync("0"); // the binary learns the conn_id the usual way
            Assert.Equal(Envelopes.Data(connId, "0"), await binary.ReceiveTextAsync());
            phones.Add((phone, connId));
        }

        var readers = phones.Select(p => Task.Run(() => ClusterRig.ReadInOrderAsync(p.Client, Frames, TimeSpan.FromSeconds(30)))).ToList();
        var flood = Task.Run(async () =>
        {
            for (var n = 0; n < Frames; n++)
            {
                foreach (var (_, connId) in phones)
                {
                    await binary.SendTextAsync(Envelopes.Data(connId, n.ToString(CultureInfo.InvariantCulture)));
                }

                if (n == 300)
                {
                    await rig.Redis.StopAsync();
                }

                if (n == 400)
                {
                    await rig.Redis.StartAgainAsync();
                }
            }
        });

        await flood.WaitAsync(TimeSpan.FromSeconds(60));
        var outcomes = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (var (received, close) in outcomes)
        {
            // In order with no gap is checked while reading; a phone that did not get everything was closed 1011.
            Assert.True(received == Frames || close == (1011, "cluster link lost"), $"received {received} of {Frames}, close {close}");
        }

        Assert.Contains(outcomes, o => o.Close == (1011, "cluster link lost")); // the restart cut the cross-node link

        // Redis is back: the node re-registered its binary, which was not disturbed; a new phone on the other node reaches it.
        await ClusterRig.WaitReadyAsync(a);
        await ClusterRig.WaitReadyAsync(b);
        await Eventually.Async(() => rig.Redis.CommandAsync("HGET", "pyry:sid:s1", "node").GetAwaiter().GetResult().Contains("node-a", StringComparison.Ordinal),
            "node-a re-registered s1 in the restarted Redis");
        Assert.False(binary.Socket.State != System.Net.WebSockets.WebSocketState.Open, "the binary was disturbed by the restart");
        var (p2, c2) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await p2.SendTextAsync("{\"after\":true}");
        Assert.Equal(Envelopes.Data(c2, "{\"after\":true}"), await ClusterRig.ReceiveDataForAsync(binary, c2));
        foreach (var (phone, _) in phones)
        {
            await phone.DisposeAsync();
        }
    }

    [Fact]
    public async Task Redis_down_past_the_lease_closes_the_binary_1011_cluster_lease_lost_never_4409()
    {
        await using var rig = await ClusterRig.StartAsync();
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await a.ConnectHolderAsync(read: true);
        var (local, localId) = await a.ConnectRegisteredPhoneAsync(read: true);
        await using var _l = local;
        var (remote, remoteId) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _r = remote;

        var clock = Stopwatch.StartNew();
        await rig.Redis.StopAsync();
        Assert.Equal((1011, "cluster link lost"), await remote.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));

        // Same-node traffic is not affected while the lease lasts (3 s; renewed at most 1 s before the stop).
        await local.SendTextAsync("[1]");
        Assert.Equal(Envelopes.Data(localId, "[1]"), await ClusterRig.ReceiveDataForAsync(binary, localId));

        // The remote phone's close notice reaches the binary whenever node A notices the link is down: before or
        // after the local phone's data, at most once, and always before the close.
        var notice = "{\"conn_id\":\"" + remoteId + "\",\"close_code\":1001}";
        var (type, bytes, status, reason) = await binary.ReceiveAnyAsync(TimeSpan.FromSeconds(15));
        if (type == WebSocketMessageType.Text)
        {
            Assert.Equal(notice, Encoding.UTF8.GetString(bytes));
            (type, bytes, status, reason) = await binary.ReceiveAnyAsync(TimeSpan.FromSeconds(15));
        }

        Assert.True(type == WebSocketMessageType.Close, $"expected close, got {type} '{Encoding.UTF8.GetString(bytes)}'");
        Assert.Equal((1011, "cluster lease lost"), ((int)(status ?? 0), reason));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"lease lost after {clock.Elapsed}"); // lease 3 s minus one renewal interval
        Assert.Equal((1011, "cluster link lost"), await local.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        var health = await a.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Contains("\"cluster\":{\"redis\":\"down\"}", health, StringComparison.Ordinal);
        Assert.Empty(a.Logs.Named("server_id_conflict"));
    }
}
