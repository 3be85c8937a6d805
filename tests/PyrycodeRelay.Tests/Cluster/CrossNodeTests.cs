using System.Diagnostics;
using System.Net.WebSockets;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// docs/protocol.md#registry to docs/protocol.md#phone-outbox with the binary on node A and its phone on node B, two in-process relays sharing one real
/// redis-server (docs/architecture.md "Cluster mode").
/// </summary>
public sealed class CrossNodeTests
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Phone_on_another_node_round_trips_bytes_exactly_with_its_conn_id()
    {
        await using var rig = await ClusterRig.StartAsync();
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await a.ConnectHolderAsync(read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        Assert.Matches("^client-s1-[0-9a-f]{16}$", connId);

        for (var i = 0; i < 20; i++)
        {
            var frame = $"{{\"n\":{i},\"s\":\"\\u00e9 \\\"q\\\"\"}}";
            await phone.SendTextAsync(frame);
            Assert.Equal(Envelopes.Data(connId, frame), await binary.ReceiveTextAsync());
        }

        for (var i = 0; i < 20; i++)
        {
            await binary.SendTextAsync(Envelopes.Data(connId, $"[{i},{{\"k\":\"v\"}}]"));
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"[{i},{{\"k\":\"v\"}}]", await phone.ReceiveTextAsync());
        }

        Assert.Equal((1, 0), (a.Host.Registry.ConnectedBinaries, a.Host.Registry.ConnectedPhones));
        Assert.Equal((0, 1), (b.Host.Registry.ConnectedBinaries, b.Host.Registry.ConnectedPhones));
        var health = await b.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Contains("\"node_id\":\"node-b\",\"cluster\":{\"redis\":\"up\"}}", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Phone_on_another_node_closing_sends_exactly_one_close_notice()
    {
        await using var rig = await ClusterRig.StartAsync();
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await a.ConnectHolderAsync(read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        await phone.SendTextAsync("{}");
        Assert.Equal(Envelopes.Data(connId, "{}"), await binary.ReceiveTextAsync());
        await phone.CloseOutputAsync(WebSocketCloseStatus.NormalClosure);
        Assert.Equal((1000, ""), await phone.ReceiveCloseAsync());
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1000}}", await binary.ReceiveTextAsync());
        await binary.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task Close_directive_from_the_binary_reaches_the_phone_on_another_node_without_a_notice()
    {
        await using var rig = await ClusterRig.StartAsync();
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await a.ConnectHolderAsync(read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        await binary.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"last\":1}},\"close_code\":4001}}");
        Assert.Equal("{\"last\":1}", await phone.ReceiveTextAsync());
        Assert.Equal((4001, ""), await phone.ReceiveCloseAsync());
        await binary.AssertSilentAsync(Silence);
    }

    [Fact]
    public async Task Reclaim_on_any_node_evicts_the_phone_on_another_node_4404()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { GracePeriod = TimeSpan.FromSeconds(10) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        var b1 = await a.ConnectHolderAsync(read: true);
        var (phone, _) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        await b1.CloseOutputAsync(WebSocketCloseStatus.NormalClosure);
        Assert.Equal((1000, ""), await b1.ReceiveCloseAsync());
        await b1.DisposeAsync();
        await a.Logs.WaitForAsync("server_released");

        await using var b2 = await b.ConnectHolderAsync(read: true); // the reclaim happens on the phone's node this time
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync());
        var (p2, c2) = await a.ConnectRegisteredPhoneAsync(read: true); // and a phone on the old node reaches it
        await using var _p2 = p2;
        await p2.SendTextAsync("[2]");
        Assert.Equal(Envelopes.Data(c2, "[2]"), await b2.ReceiveTextAsync());
    }

    [Fact]
    public async Task Grace_expiry_closes_the_phone_on_another_node_1000()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { GracePeriod = TimeSpan.FromSeconds(1) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        var b1 = await a.ConnectHolderAsync(read: true);
        var (phone, _) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        var clock = Stopwatch.StartNew();
        await b1.CloseOutputAsync(WebSocketCloseStatus.NormalClosure);
        Assert.Equal((1000, ""), await b1.ReceiveCloseAsync());
        await b1.DisposeAsync();
        Assert.Equal((1000, ""), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"expired after {clock.Elapsed}");
        // Whichever node sees the deadline pass first carries out the expiry (A's grace timer or B's sweep), once.
        await Eventually.Async(() => a.Logs.Named("server_grace_expired").Count + b.Logs.Named("server_grace_expired").Count == 1,
            "server_grace_expired on exactly one node");
        await using var p2 = await WsTestClient.ConnectPhoneAsync(b.Target, read: true);
        Assert.Equal((4404, "no server with that id"), await p2.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Phone_cap_counts_phones_on_every_node_4429()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { PhonesPerServer = 2 });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await a.ConnectHolderAsync(read: true);
        var (p1, _) = await a.ConnectRegisteredPhoneAsync(read: true);
        await using var _p1 = p1;
        var (p2, _) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await using var p3 = await WsTestClient.ConnectPhoneAsync(b.Target, read: true);
        Assert.Equal((4429, "too many phones for server-id"), await p3.ReceiveCloseAsync());
        await using var p4 = await WsTestClient.ConnectPhoneAsync(a.Target, read: true);
        Assert.Equal((4429, "too many phones for server-id"), await p4.ReceiveCloseAsync());

        await p2.CloseOutputAsync(WebSocketCloseStatus.NormalClosure);
        Assert.Equal((1000, ""), await p2.ReceiveCloseAsync());
        await b.Logs.WaitForAsync("phone_unregistered");
        var (p5, _) = await b.ConnectRegisteredPhoneAsync(read: true); // the freed place is usable from any node
        await using var _p5 = p5;
    }

    [Fact]
    public async Task Live_duplicate_on_another_node_is_closed_4409_and_the_incumbent_keeps_serving()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(6) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var b1 = await a.ConnectHolderAsync(read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        var clock = Stopwatch.StartNew();
        await using var b2 = await WsTestClient.ConnectBinaryAsync(b.Target, read: true);
        Assert.Equal((4409, "server-id already claimed"), await b2.ReceiveCloseAsync(TimeSpan.FromSeconds(8)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"4409 took {clock.Elapsed}"); // decided by the Pong, not the 6 s timeout
        await phone.SendTextAsync("{\"still\":true}");
        Assert.Equal(Envelopes.Data(connId, "{\"still\":true}"), await b1.ReceiveTextAsync());
    }

    [Fact]
    public async Task Silent_incumbent_on_another_node_is_taken_over_after_the_probe_timeout()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(1) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var b1 = await a.ConnectHolderAsync(); // reads nothing: never answers the probe's Ping
        var (phone, _) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        var clock = Stopwatch.StartNew();
        await using var b2 = await b.ConnectHolderAsync(read: true);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"takeover before the probe timeout: {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"takeover took {clock.Elapsed}");
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync());
        // Closed as displaced, or by its node's next renewal finding the claim gone if that comes first; never 4409.
        var (code, reason) = await b1.ReadUntilCloseAsync();
        Assert.Equal(1011, code);
        Assert.Contains(reason, new[] { "heartbeat timeout", "cluster lease lost" });
        var (p2, c2) = await a.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await p2.SendTextAsync("1");
        Assert.Equal(Envelopes.Data(c2, "1"), await b2.ReceiveTextAsync());
    }

    [Fact]
    public async Task Graceful_shutdown_of_the_phones_node_closes_them_1001_and_the_binary_elsewhere_gets_a_1001_notice_each()
    {
        await using var rig = await ClusterRig.StartAsync();
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await a.ConnectHolderAsync(read: true);
        var (phone, connId) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;
        await phone.SendTextAsync("{}");
        Assert.Equal(Envelopes.Data(connId, "{}"), await binary.ReceiveTextAsync());

        var shutdown = b.Host.ShutdownAsync();
        Assert.Equal((1001, "shutting down"), await phone.ReceiveCloseAsync());
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await binary.ReceiveTextAsync());
        Assert.True(await shutdown.WaitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Graceful_shutdown_of_the_binarys_node_puts_its_binary_into_grace_for_phones_elsewhere()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { GracePeriod = TimeSpan.FromSeconds(30) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        var b1 = await a.ConnectHolderAsync(read: true);
        var (phone, _) = await b.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = phone;

        Assert.True(await a.Host.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal((1001, "shutting down"), await b1.ReceiveCloseAsync());
        await b1.DisposeAsync();

        // The binary redials another node within its grace: a reclaim, so the old phone gets 4404 and new phones reach it.
        await using var b2 = await b.ConnectHolderAsync(read: true);
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync());
    }
}
