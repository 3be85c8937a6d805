using System.Globalization;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>Scenarios J (77–79) and docs/protocol.md#phone-outbox: per-phone outbox, budgets, backpressure isolation.</summary>
public class OutboxTests : RelayScenario
{
    private const string Queued = "pyrycode_relay_outbox_queued_bytes";

    [Fact]
    public async Task Scenario77_StalledPhone_DoesNotDelayOtherPhoneOrBinary()
    {
        await using var relay = await StartRelayAsync(o => o with { HeartbeatInterval = TimeSpan.FromSeconds(1), HeartbeatTimeout = TimeSpan.FromSeconds(1) });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (pa, ca) = await relay.ConnectRegisteredPhoneAsync();
        var (pb, cb) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _a = pa;
        await using var _b = pb;

        await b.SendTextAsync(Envelopes.MaxSized(ca, relay.Options.MaxMessageBytes));
        for (var i = 1; i <= 5; i++)
        {
            await b.SendTextAsync(Envelopes.Data(cb, $"{{\"pb\":{i}}}"));
        }

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal($"{{\"pb\":{i}}}", await pb.ReceiveTextAsync(TimeSpan.FromSeconds(1)));
        }

        await pb.SendTextAsync("{\"from\":\"pb\"}");
        Assert.Equal(Envelopes.Data(cb, "{\"from\":\"pb\"}"), await NextEnvelopeAsync(b));

        // Several heartbeat rounds later B (which keeps reading, so answers Pings) is still holder.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(relay.Logs.Named("server_released"));
        await pb.SendTextAsync("{\"from\":\"pb\",\"n\":2}");
        Assert.Equal(Envelopes.Data(cb, "{\"from\":\"pb\",\"n\":2}"), await NextEnvelopeAsync(b));
    }

    [Fact]
    public async Task Scenario77_StalledPhoneWithFullSocketAndQueue_OtherPhoneStillPrompt()
    {
        await using var relay = await StartRelayAsync(o => o with { WriteTimeout = TimeSpan.FromSeconds(30) });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (pa, ca) = await relay.ConnectRegisteredPhoneAsync();
        var (pb, cb) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _a = pa;
        await using var _b = pb;
        var marker = new Marker(relay, b);
        var big = Envelopes.MaxSized(ca, relay.Options.MaxMessageBytes);
        using var metrics = new RelayMetricsProbe(relay);
        for (var i = 0; i < 40 && metrics.Gauge(Queued) < 1_000_000; i++)
        {
            await b.SendTextAsync(big);
            await marker.SyncAsync();
        }

        Assert.True(metrics.Gauge(Queued) >= 1_000_000, "PA's queue should hold data (its socket is full)");
        for (var i = 1; i <= 5; i++)
        {
            await b.SendTextAsync(Envelopes.Data(cb, $"{{\"pb\":{i}}}"));
        }

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal($"{{\"pb\":{i}}}", await pb.ReceiveTextAsync(TimeSpan.FromSeconds(1)));
        }

        Assert.Empty(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"));
    }

    [Fact]
    public async Task Scenario78_NeverReadingPhone_256KiBFrames_BacklogFull()
    {
        await using var relay = await StartRelayAsync(o => o with { WriteTimeout = TimeSpan.FromSeconds(60), CloseHandshakeTimeout = TimeSpan.FromSeconds(30) });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync();
        await using var _p = p;
        using var metrics = new RelayMetricsProbe(relay);
        metrics.StartSampling();
        var frameLength = relay.Options.MaxMessageBytes - Envelopes.Overhead(c);
        var accepted = await FillUntilRefusedAsync(relay, b, c, frameLength, batch: 1, limit: 200, metrics);

        Assert.True(accepted >= 15, $"only {accepted} frames accepted before the overflow");
        var overflow = relay.Logs.Named("binary_forwarder_phone_enqueue_failed")[0];
        Assert.Equal(("s1", c, "relay: phone backlog full"), (overflow["server_id"], overflow["conn_id"], overflow["err"]));
        Assert.True(metrics.MaxGauge(Queued) <= 4194304, $"outbox_queued_bytes reached {metrics.MaxGauge(Queued)}");

        await b.SendTextAsync(Envelopes.Data(c, Numbered(accepted + 2, frameLength)));
        await relay.Logs.WaitForAsync("binary_forwarder_phone_enqueue_failed", e => e["err"] == "relay: phone outbox closed");

        p.StartReading();
        var received = await ReadInOrderUntilCloseAsync(p, frameLength);
        Assert.True(received.Count <= accepted, $"{received.Count} > {accepted}");
        Assert.Equal((1011, "phone backlog full"), received.Close);
        Assert.Equal(1, (await Health.CountsAsync(relay)).Binaries);
        Assert.Empty(relay.Logs.Named("server_released"));
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == c);
        Assert.Equal($"{{\"conn_id\":\"{c}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
        Assert.True(metrics.MaxGauge(Queued) <= 4194304, $"outbox_queued_bytes reached {metrics.MaxGauge(Queued)}");
    }

    [Fact]
    public async Task Scenario78_NeverReadingPhone_1KiBFrames_MoreThan300Accepted()
    {
        await using var relay = await StartRelayAsync(o => o with { WriteTimeout = TimeSpan.FromSeconds(60), CloseHandshakeTimeout = TimeSpan.FromSeconds(30) });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync();
        await using var _p = p;
        using var metrics = new RelayMetricsProbe(relay);
        metrics.StartSampling();
        var accepted = await FillUntilRefusedAsync(relay, b, c, 1024, batch: 100, limit: 30000, metrics);

        Assert.True(accepted > 300, $"only {accepted} frames accepted before the overflow");
        Assert.Equal("relay: phone backlog full", relay.Logs.Named("binary_forwarder_phone_enqueue_failed")[0]["err"]);
        Assert.True(metrics.MaxGauge(Queued) <= 4194304, $"outbox_queued_bytes reached {metrics.MaxGauge(Queued)}");
        p.StartReading();
        var received = await ReadInOrderUntilCloseAsync(p, 1024);
        Assert.Equal((1011, "phone backlog full"), received.Close);
        // What arrives before the close is what the transport already held when the outbox overflowed (the close frame
        // goes ahead of anything still queued): a gapless prefix, bounded by the output buffer and TCP_NOTSENT_LOWAT.
        Assert.True(received.Count > 0, $"received {received.Count}");
    }

    [Fact]
    public async Task Scenario79_RelayWideBudget_FirstPhoneClosedBelowOwnBudget_OtherStays()
    {
        await using var relay = await StartRelayAsync(o => o with
        {
            MaxMessageBytes = 65536,
            // Above the relay-wide budget (the in-process harness skips the boot rule that forbids it): whichever phone's
            // socket buffer absorbs less, the relay-wide budget is always what runs out first, never a phone's own.
            PhoneOutboxBytes = 2097152,
            OutboxBudgetBytes = 1572864,
            WriteTimeout = TimeSpan.FromSeconds(60),
            CloseHandshakeTimeout = TimeSpan.FromSeconds(30),
        });
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync();
        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync();
        await using var _1 = p1;
        await using var _2 = p2;
        using var metrics = new RelayMetricsProbe(relay);
        metrics.StartSampling();
        var marker = new Marker(relay, b);
        var frameLength = 65536 - Envelopes.Overhead(c1);
        var sent = 0;
        while (relay.Logs.Named("binary_forwarder_phone_enqueue_failed").Count == 0)
        {
            Assert.True(sent < 400, "no overflow after 400 frames per phone");
            sent++;
            await b.SendTextAsync(Envelopes.Data(c1, Numbered(sent, frameLength)));
            await b.SendTextAsync(Envelopes.Data(c2, Numbered(sent, frameLength)));
            await marker.SyncAsync();
            Assert.True(metrics.Gauge(Queued) <= 1572864, $"outbox_queued_bytes is {metrics.Gauge(Queued)}");
        }

        var first = relay.Logs.Named("binary_forwarder_phone_enqueue_failed")[0];
        Assert.Equal("relay: relay outbox budget exhausted", first["err"]);
        Assert.True(metrics.MaxGauge(Queued) <= 1572864, $"outbox_queued_bytes reached {metrics.MaxGauge(Queued)}");
        var (closed, closedId, other, otherId) = first["conn_id"] == c1 ? (p1, c1, p2, c2) : (p2, c2, p1, c1);
        Assert.DoesNotContain(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"), e => e["conn_id"] == otherId);

        closed.StartReading();
        var received = await ReadInOrderUntilCloseAsync(closed, frameLength);
        Assert.Equal((1011, "phone backlog full"), received.Close);
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == closedId);

        // The other phone stays registered and gets every frame addressed to it, in order.
        other.StartReading();
        for (var i = 1; i <= sent; i++)
        {
            Assert.Equal(Numbered(i, frameLength), await other.ReceiveTextAsync());
        }

        await other.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
        Assert.DoesNotContain(relay.Logs.Named("phone_unregistered"), e => e["conn_id"] == otherId);
        await Health.WaitForAsync(relay, 1, 1);
    }

    [Fact]
    public async Task Burst300Frames_BrieflyNotReading_DeliveredInFullAndInOrder()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, c) = await relay.ConnectRegisteredPhoneAsync();
        await using var _p = p;
        for (var i = 1; i <= 300; i++)
        {
            await b.SendTextAsync(Envelopes.Data(c, Numbered(i, 1024)));
        }

        await new Marker(relay, b).SyncAsync();
        p.StartReading();
        for (var i = 1; i <= 300; i++)
        {
            Assert.Equal(Numbered(i, 1024), await p.ReceiveTextAsync());
        }

        await p.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
        Assert.Empty(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"));
    }

    /// <summary>A JSON string of exactly <paramref name="length"/> bytes that starts with its sequence number.</summary>
    private static string Numbered(int n, int length)
    {
        var head = "\"" + n.ToString(CultureInfo.InvariantCulture) + ":";
        return head + new string('x', length - head.Length - 1) + "\"";
    }

    private static async Task<string> NextEnvelopeAsync(WsTestClient b)
    {
        while (true)
        {
            var text = await b.ReceiveTextAsync(TimeSpan.FromSeconds(2));
            if (!text.Contains("\"close_code\":", StringComparison.Ordinal))
            {
                return text;
            }
        }
    }

    /// <summary>Sends numbered frames (synchronising every <paramref name="batch"/>) until the first refusal; returns how many were accepted before it.</summary>
    private static async Task<int> FillUntilRefusedAsync(TestRelay relay, WsTestClient b, string connId, int frameLength, int batch, int limit, RelayMetricsProbe metrics)
    {
        var marker = new Marker(relay, b);
        var sent = 0;
        while (true)
        {
            for (var i = 0; i < batch; i++)
            {
                sent++;
                await b.SendTextAsync(Envelopes.Data(connId, Numbered(sent, frameLength)));
            }

            await marker.SyncAsync();
            Assert.True(metrics.Gauge(Queued) <= 4194304, $"outbox_queued_bytes is {metrics.Gauge(Queued)}");
            if (relay.Logs.Named("binary_forwarder_phone_enqueue_failed").Count > 0)
            {
                return sent - batch;
            }

            Assert.True(sent < limit, $"no overflow after {sent} frames");
        }
    }

    private static async Task<(int Count, (int, string) Close)> ReadInOrderUntilCloseAsync(WsTestClient p, int frameLength)
    {
        var count = 0;
        while (true)
        {
            var e = await p.NextAsync(TimeSpan.FromSeconds(20));
            if (e.IsClose)
            {
                return (count, (e.CloseCode ?? 0, e.CloseReason ?? ""));
            }

            Assert.True(e.Type == System.Net.WebSockets.WebSocketMessageType.Text, "expected text, got " + e);
            count++;
            Assert.Equal(Numbered(count, frameLength), e.Text);
        }
    }
}
