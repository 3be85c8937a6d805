using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>docs/protocol.md#phone-outbox rules beyond the J rows: directive overflow, relay-initiated closes, write timeout.</summary>
public class OutboxOverflowTests : RelayScenario
{
    private const string Queued = "pyrycode_relay_outbox_queued_bytes";

    [Theory]
    [InlineData(4401, 4401)]
    [InlineData(2000, 1011)]
    public async Task DirectiveOverflowingOutbox_ClosedWithItsCodeAndBacklogFull_NoNotice(int requested, int expected)
    {
        await using var relay = await StartRelayAsync(o => o with
        {
            MaxMessageBytes = 65536,
            PhoneOutboxBytes = 65600,
            WriteTimeout = TimeSpan.FromSeconds(60),
            CloseHandshakeTimeout = TimeSpan.FromSeconds(30),
        });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync();
        await using var _p = p;
        using var metrics = new RelayMetricsProbe(relay);
        var marker = new Marker(relay, b);
        var frame = 65536 - Envelopes.Overhead(c);
        var sent = 0;

        // Fill the phone's socket until one frame stays charged (stuck in its write): the outbox is then full.
        while (!await StuckAsync(metrics))
        {
            Assert.True(++sent < 500, "the phone's socket never filled");
            await b.SendTextAsync(Envelopes.Data(c, Envelopes.StringFrame(frame)));
            await marker.SyncAsync();
            Assert.Empty(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"));
        }

        await b.SendTextAsync($"{{\"conn_id\":\"{c}\",\"frame\":{{\"last\":true}},\"close_code\":{requested}}}");
        var refused = await relay.Logs.WaitForAsync("binary_forwarder_phone_enqueue_failed");
        Assert.Equal("relay: phone backlog full", refused["err"]);

        p.StartReading();
        PeerEvent e;
        var frames = 0;
        while ((e = await p.NextAsync()).IsMessage)
        {
            Assert.NotEqual("{\"last\":true}", e.Text);
            frames++;
        }

        Assert.True(e.IsClose, e.ToString());
        Assert.Equal((expected, "phone backlog full"), (e.CloseCode, e.CloseReason));
        Assert.True(frames <= sent);
        await relay.Logs.WaitForAsync("phone_unregistered", x => x["conn_id"] == c);
        await b.AssertSilentAsync(TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task Reclaim_EvictsStalledPhoneAtOnce_PendingDropped()
    {
        await using var relay = await StartRelayAsync(o => o with { WriteTimeout = TimeSpan.FromSeconds(60) });
        await using var b1 = await relay.ConnectHolderAsync(read: true);
        // A fixed small receive window: otherwise TCP autotuning can absorb the whole queue while the test reclaims.
        var (p, c) = await relay.ConnectRegisteredPhoneAsync(receiveBuffer: 64 * 1024);
        await using var _p = p;
        using var metrics = new RelayMetricsProbe(relay);
        var marker = new Marker(relay, b1);
        var envelope = Envelopes.MaxSized(c, relay.Options.MaxMessageBytes);
        var sent = 0;
        while (metrics.Gauge(Queued) < 3 * 262144)
        {
            Assert.True(++sent < 100, "the phone's queue never grew");
            await b1.SendTextAsync(envelope);
            await marker.SyncAsync();
        }

        b1.Socket.Abort();
        await relay.Logs.WaitForAsync("server_released");
        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count == 2);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (metrics.Gauge(Queued) > 262144 + 64 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(metrics.Gauge(Queued) <= 262144 + 64, $"pending items not dropped: {metrics.Gauge(Queued)} bytes still queued");
        p.StartReading();
        var received = 0;
        PeerEvent e;
        while ((e = await p.NextAsync()).IsMessage)
        {
            received++;
        }

        Assert.Equal((4404, "binary reclaimed server-id"), (e.CloseCode, e.CloseReason));
        Assert.True(received < sent, $"received all {sent} frames: the eviction waited for the queue");
        await b2.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task PhoneWriteTimeout_SendFailedLogged_PhoneRemoved_Notice1001_BinaryUnaffected()
    {
        // Budgets far above what the socket can absorb, so the write blocks before anything overflows.
        await using var relay = await StartRelayAsync(o => o with
        {
            WriteTimeout = TimeSpan.FromSeconds(1),
            PhoneOutboxBytes = 64 << 20,
            OutboxBudgetBytes = 64 << 20,
        });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync();
        await using var _p = p;
        var envelope = Envelopes.MaxSized(c, relay.Options.MaxMessageBytes);
        for (var i = 0; i < 60 && relay.Logs.Named("binary_forwarder_phone_send_failed").Count == 0; i++)
        {
            await b.SendTextAsync(envelope);
        }

        Assert.Empty(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"));

        var failed = await relay.Logs.WaitForAsync("binary_forwarder_phone_send_failed", timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(("s1", c), (failed["server_id"], failed["conn_id"]));
        Assert.False(string.IsNullOrEmpty(failed["err"]));
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c, TimeSpan.FromSeconds(10));
        string text;
        do
        {
            text = await b.ReceiveTextAsync();
        }
        while (!text.Contains("close_code", StringComparison.Ordinal));
        Assert.Equal($"{{\"conn_id\":\"{c}\",\"close_code\":1001}}", text);
        await Health.WaitForAsync(relay, 1, 0);
        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p2 = p2;
        await b.SendTextAsync(Envelopes.Data(c2, "[\"ok\"]"));
        Assert.Equal("[\"ok\"]", await p2.ReceiveTextAsync());
    }

    private static async Task<bool> StuckAsync(RelayMetricsProbe metrics)
    {
        for (var i = 0; i < 5; i++)
        {
            if (metrics.Gauge(Queued) == 0)
            {
                return false;
            }

            await Task.Delay(60);
        }

        return true;
    }
}
