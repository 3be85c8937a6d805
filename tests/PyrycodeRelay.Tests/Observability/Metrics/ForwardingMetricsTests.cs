using System.Text;
using System.Text.Json;

namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>Scenarios 98 and 99 (docs/metrics.md); the outbox gauge: forwarding counters, bytes, latency and gauges.</summary>
public sealed class ForwardingMetricsTests
{
    private const string Frames = "pyrycode_relay_frames_forwarded_total";
    private const string Bytes = "pyrycode_relay_bytes_forwarded_total";
    private const string Latency = "pyrycode_relay_forward_latency_seconds";
    private const string Drops = "pyrycode_relay_frames_dropped_total";
    private const string Outbox = "pyrycode_relay_outbox_queued_bytes";

    [Fact]
    public async Task Scenario98_ConnectedGauges_MatchHealth_PhonesKeptDuringGrace()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m98");
        var (p1, _) = await relay.ConnectRegisteredPhoneAsync("srv-m98");
        var (p2, _) = await relay.ConnectRegisteredPhoneAsync("srv-m98");
        await using var d1 = p1;
        await using var d2 = p2;

        var scrape = await relay.ScrapeAsync();
        Assert.Equal(1, scrape.Series("pyrycode_relay_connected_binaries"));
        Assert.Equal(2, scrape.Series("pyrycode_relay_connected_phones"));
        Assert.Equal((1, 2), await HealthCountsAsync(relay));

        await p1.CloseAsync();
        await relay.WaitForCountsAsync(1, 1);
        await b.CloseAsync();
        await relay.WaitForCountsAsync(0, 1);

        scrape = await relay.ScrapeAsync();
        Assert.Equal(0, scrape.Series("pyrycode_relay_connected_binaries"));
        Assert.Equal(1, scrape.Series("pyrycode_relay_connected_phones"));
        Assert.Equal((0, 1), await HealthCountsAsync(relay));
    }

    [Fact]
    public async Task Scenario99_FramesBytesLatency_DropsAreNotForwards()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m99");
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync("srv-m99");
        await using var _ = p;

        string[] phoneFrames = ["{\"type\":\"hello\",\"n\":1}", "[1,2,3]", "\"é\""];
        long envelopeBytes = 0;
        foreach (var frame in phoneFrames)
        {
            await p.SendTextAsync(frame);
            var envelope = await b.ReceiveTextAsync();
            Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{frame}}}", envelope);
            envelopeBytes += Encoding.UTF8.GetByteCount(envelope);
        }

        await b.SendTextAsync("{\"conn_id\":"); // malformed
        await b.SendTextAsync("{\"conn_id\":\"client-srv-m99-00000000deadbeef\",\"frame\":{\"x\":1}}"); // unknown conn_id
        await b.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"k\":1}}}}");
        await b.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":\"abc\"}}");
        Assert.Equal("{\"k\":1}", await p.ReceiveTextAsync());
        Assert.Equal("\"abc\"", await p.ReceiveTextAsync());

        await relay.ExpectMetricsAsync(new()
        {
            [Frames] = new() { ["direction=phone_to_binary"] = 3, ["direction=binary_to_phone"] = 2 },
            [Bytes] = new() { ["direction=phone_to_binary"] = envelopeBytes, ["direction=binary_to_phone"] = "{\"k\":1}".Length + "\"abc\"".Length },
            [Latency] = new() { ["direction=phone_to_binary"] = 3, ["direction=binary_to_phone"] = 2 },
            [Drops] = new() { ["direction=binary_to_phone,reason=malformed_envelope"] = 1, ["direction=binary_to_phone,reason=unknown_conn_id"] = 1 },
            [Outbox] = [],
        });
    }

    [Fact]
    public async Task OutboxGauge_RisesWhilePhoneStalls_ReturnsToZeroWhenDrained()
    {
        const int count = 80;
        await using var relay = await TestRelay.StartAsync(o => o with { PhoneOutboxBytes = 64L << 20 }, metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m-outbox");
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync("srv-m-outbox");
        await using var _ = p;

        // 80 frames of 200 KiB (16 MB) toward a phone that does not read: more than the sockets can absorb.
        var frame = "\"" + new string('a', 200 * 1024) + "\"";
        var envelope = $"{{\"conn_id\":\"{connId}\",\"frame\":{frame}}}";
        for (var i = 0; i < count; i++)
        {
            await b.SendTextAsync(envelope);
        }

        var stalled = await relay.WaitForMetricsAsync(s => s.Series(Outbox) > 0, "a non-zero outbox charge");
        // The charge is whole items of (pooled buffer + 64), the buffer being the frame length rounded up to a power of
        // two (docs/protocol.md#phone-outbox), never more than was sent.
        var itemCost = (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)frame.Length) + 64;
        Assert.True(stalled.Series(Outbox) <= count * itemCost);
        Assert.Equal(0, stalled.Series(Outbox) % itemCost);

        for (var i = 0; i < count; i++)
        {
            Assert.Equal(frame.Length, (await p.ReceiveAsync()).Bytes.Length);
        }

        await relay.ExpectMetricsAsync(new()
        {
            [Outbox] = [],
            [Frames] = new() { ["direction=binary_to_phone"] = count },
            [Bytes] = new() { ["direction=binary_to_phone"] = (double)count * frame.Length },
            [Latency] = new() { ["direction=binary_to_phone"] = count },
            [Drops] = [],
        });
    }

    private static async Task<(int Binaries, int Phones)> HealthCountsAsync(TestRelay relay)
    {
        using var doc = JsonDocument.Parse(await relay.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        return (doc.RootElement.GetProperty("connected_binaries").GetInt32(), doc.RootElement.GetProperty("connected_phones").GetInt32());
    }
}
