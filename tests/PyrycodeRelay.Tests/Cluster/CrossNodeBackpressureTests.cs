using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// A binary that reads nothing, with a phone on another node flooding it (docs/architecture.md#cluster-mode): the
/// binary's node does not wait for that binary's writes, so its inbox keeps serving every other binary; what waits
/// for the binary is bounded per phone by <c>--phone-outbox-bytes</c>, past which the phone is ended as for a failed
/// write to its binary (1000, <c>phone_forwarder_send_failed</c>) — never a silent gap.
/// </summary>
public sealed class CrossNodeBackpressureTests
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Non_reading_binary_holds_up_neither_the_inbox_nor_unbounded_memory_its_flooding_phone_is_ended()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { WriteTimeout = WriteTimeout, PhoneOutboxBytes = 1 << 20 });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        var (slow, _) = await RawWsClient.UpgradeAsync(a, "/v1/server", RawWsClient.BinaryHeaders("s-slow")); // never reads
        await using var _slow = slow;
        await a.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "s-slow");
        await using var fast = await a.ConnectHolderAsync("s-fast", read: true);
        var (flooder, floodId) = await b.ConnectRegisteredPhoneAsync("s-slow", read: true);
        await using var _f = flooder;
        var (other, otherId) = await b.ConnectRegisteredPhoneAsync("s-fast", read: true);
        await using var _o = other;

        var clock = Stopwatch.StartNew();
        var frame = Encoding.UTF8.GetBytes(Envelopes.StringFrame(200_000));
        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            for (var i = 0; i < 200 && !stop.IsCancellationRequested; i++)
            {
                await flooder.Socket.SendAsync(frame, WebSocketMessageType.Text, true, stop.Token);
            }
        });

        // Node A charged what waits for the slow binary up to 1 MiB, then ended the phone (well before the write timeout).
        var overflow = await a.Logs.WaitForAsync("cluster_to_binary_overflow", timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(("node-a", "s-slow", floodId), (overflow["node_id"], overflow["server_id"], overflow["conn_id"]));
        var failed = await b.Logs.WaitForAsync("phone_forwarder_send_failed", e => e["conn_id"] == floodId, TimeSpan.FromSeconds(10));
        Assert.Equal("s-slow", failed["server_id"]);
        Assert.Equal((1000, ""), await flooder.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));

        // The slow binary's writer is still blocked (its write times out only after 30 s), yet node A's inbox serves the
        // other binary at once, byte-exact.
        await other.SendTextAsync("{\"alive\":1}");
        Assert.Equal(Envelopes.Data(otherId, "{\"alive\":1}"), await fast.ReceiveTextAsync(TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < WriteTimeout - TimeSpan.FromSeconds(5), $"served after {clock.Elapsed}: the inbox waited for the slow binary");
        await fast.SendTextAsync(Envelopes.Data(otherId, "{\"back\":1}"));
        Assert.Equal("{\"back\":1}", await other.ReceiveTextAsync(TimeSpan.FromSeconds(10)));

        await stop.CancelAsync();
        _ = await Record.ExceptionAsync(() => pump.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
