namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>frames_dropped_total by reason and connection_closes_total by cause, on representative paths.</summary>
public sealed class DropAndCloseTests
{
    private const string Frames = "pyrycode_relay_frames_forwarded_total";
    private const string Bytes = "pyrycode_relay_bytes_forwarded_total";
    private const string Drops = "pyrycode_relay_frames_dropped_total";
    private const string Closes = "pyrycode_relay_connection_closes_total";

    [Fact]
    public async Task InvalidJson_DropInvalidJson_CloseInvalidFrame_NoticeNotForwarded()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m-json");
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync("srv-m-json");
        await using var _ = p;
        await p.SendTextAsync("not json");
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"close_code\":1001}}", await b.ReceiveTextAsync());
        await p.ExpectCloseAsync(1000, "");

        await relay.ExpectMetricsAsync(new()
        {
            [Drops] = new() { ["direction=phone_to_binary,reason=invalid_json"] = 1 },
            [Closes] = new() { ["endpoint=client,cause=invalid_frame"] = 1 },
            [Frames] = [],
            [Bytes] = [],
        });
    }

    [Fact]
    public async Task PhoneFrameWhileBinaryGraces_DropNoBinary_CloseNoBinary()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        var b = await relay.ConnectHolderAsync("srv-m-grace");
        var (p, _) = await relay.ConnectRegisteredPhoneAsync("srv-m-grace");
        await using var _ = p;
        await b.CloseAsync();
        await b.DisposeAsync();
        await relay.WaitForCountsAsync(0, 1);
        await p.SendTextAsync("{\"late\":true}");
        await p.ExpectCloseAsync(1000, "");

        await relay.ExpectMetricsAsync(new()
        {
            [Drops] = new() { ["direction=phone_to_binary,reason=no_binary"] = 1 },
            [Closes] = new() { ["endpoint=server,cause=peer_closed"] = 1, ["endpoint=client,cause=no_binary"] = 1 },
            [Frames] = [],
        });
    }

    [Fact]
    public async Task DirectiveWithFrame_FrameCounts_CloseDirective_NoNotice()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m-dir");
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync("srv-m-dir");
        await using var _ = p;
        await b.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"bye\":true}},\"close_code\":4401}}");
        Assert.Equal("{\"bye\":true}", await p.ReceiveTextAsync());
        await p.ExpectCloseAsync(4401, "");
        await relay.Logs.WaitForAsync("phone_unregistered", e => e["conn_id"] == connId);

        await relay.ExpectMetricsAsync(new()
        {
            [Frames] = new() { ["direction=binary_to_phone"] = 1 },
            [Bytes] = new() { ["direction=binary_to_phone"] = "{\"bye\":true}".Length },
            [Closes] = new() { ["endpoint=client,cause=directive"] = 1 },
            [Drops] = [],
        });
        await Assert.ThrowsAsync<TimeoutException>(() => b.ReceiveTextAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task FrameAfterAcceptedDirective_DropPhoneClosed_NotOverflow()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m-after");
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync("srv-m-after");
        await using var _ = p;

        // The phone does not read: the relay's close frame stays unanswered, so the phone stays registered
        // (for the close-handshake wait) while the binary addresses it again.
        await b.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":null,\"close_code\":4401}}");
        await relay.Logs.WaitForAsync("binary_forwarder_phone_closed", e => e["conn_id"] == connId);
        await b.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":\"late\"}}");
        await relay.Logs.WaitForAsync("binary_forwarder_phone_enqueue_failed", e => e["conn_id"] == connId);

        await relay.ExpectMetricsAsync(new()
        {
            [Drops] = new() { ["direction=binary_to_phone,reason=phone_closed"] = 1 },
            [Frames] = [],
        });
    }

    [Fact]
    public async Task OutboxOverflow_DropOutboxOverflow_CloseBacklogFull()
    {
        // A per-phone budget below one item's cost (frame + 64): the first frame overflows.
        await using var relay = await TestRelay.StartAsync(o => o with { PhoneOutboxBytes = 100 }, metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m-full");
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync("srv-m-full");
        await using var _ = p;
        await b.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":\"{new string('x', 48)}\"}}");
        await p.ExpectCloseAsync(1011, "phone backlog full");

        await relay.ExpectMetricsAsync(new()
        {
            [Drops] = new() { ["direction=binary_to_phone,reason=outbox_overflow"] = 1 },
            [Closes] = new() { ["endpoint=client,cause=backlog_full"] = 1 },
            [Frames] = [],
            ["pyrycode_relay_outbox_queued_bytes"] = [],
        });
    }

    [Fact]
    public async Task Reclaim_EvictsPhone_CloseReclaimed()
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        var b1 = await relay.ConnectHolderAsync("srv-m-rec");
        var (p, _) = await relay.ConnectRegisteredPhoneAsync("srv-m-rec");
        await using var _ = p;
        await b1.CloseAsync();
        await b1.DisposeAsync();
        await relay.WaitForCountsAsync(0, 1);
        await using var b2 = await relay.ConnectHolderAsync("srv-m-rec");
        await p.ExpectCloseAsync(4404, "binary reclaimed server-id");

        await relay.ExpectMetricsAsync(new()
        {
            [Closes] = new() { ["endpoint=server,cause=peer_closed"] = 1, ["endpoint=client,cause=reclaimed"] = 1 },
            ["pyrycode_relay_ws_upgrade_attempts_total"] = new() { ["endpoint=server,outcome=accept"] = 2, ["endpoint=client,outcome=accept"] = 1 },
            ["pyrycode_relay_grace_expiries_total"] = [],
            [Drops] = [],
        });
    }
}
