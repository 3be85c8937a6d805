using System.Net.WebSockets;
using PyrycodeRelay.Tests.Support;

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

        await Scraper.ExpectAsync(relay, new()
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

        await Scraper.ExpectAsync(relay, new()
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

        await Scraper.ExpectAsync(relay, new()
        {
            [Frames] = new() { ["direction=binary_to_phone"] = 1 },
            [Bytes] = new() { ["direction=binary_to_phone"] = "{\"bye\":true}".Length },
            [Closes] = new() { ["endpoint=client,cause=directive"] = 1 },
            [Drops] = [],
        });
        await Assert.ThrowsAsync<TimeoutException>(() => b.ReceiveTextAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact(Skip = "Labelling bug in Forwarding/BinarySession.Envelopes.cs:85 (lead's folder): an item refused because the phone's "
        + "outbox is already closed (directive accepted, phone closing) is counted as outbox_overflow; proposed phone_closed. Enable after the fix.")]
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

        await Scraper.ExpectAsync(relay, new()
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

        await Scraper.ExpectAsync(relay, new()
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

        await Scraper.ExpectAsync(relay, new()
        {
            [Closes] = new() { ["endpoint=server,cause=peer_closed"] = 1, ["endpoint=client,cause=reclaimed"] = 1 },
            ["pyrycode_relay_ws_upgrade_attempts_total"] = new() { ["endpoint=server,outcome=accept"] = 2, ["endpoint=client,outcome=accept"] = 1 },
            ["pyrycode_relay_grace_expiries_total"] = [],
            [Drops] = [],
        });
    }

    [Fact]
    public async Task TooBig_PeerGone_ReadTimeout_Closes()
    {
        await using var relay = await TestRelay.StartAsync(o => o with
        {
            MaxMessageBytes = 1024,
            MessageReadTimeout = TimeSpan.FromMilliseconds(300),
        }, metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m-ends");
        var bReads = b.KeepReadingAsync();

        // Only the relay's side is asserted here: the client currently sees a reset instead of the 1009 close
        // (a WebSockets-layer issue reported separately).
        var (big, _) = await relay.ConnectRegisteredPhoneAsync("srv-m-ends");
        await big.SendTextAsync("\"" + new string('z', 2000) + "\"");
        await relay.Logs.WaitForAsync("phone_forwarder_read_end", e => e["err"] == "relay: message too big");
        await big.DisposeAsync();

        var (gone, _) = await relay.ConnectRegisteredPhoneAsync("srv-m-ends");
        gone.Socket.Abort();
        await gone.DisposeAsync();

        var (slow, _) = await relay.ConnectRegisteredPhoneAsync("srv-m-ends");
        await using (slow)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await slow.Socket.SendAsync("{\"part\":"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, cts.Token);
            await Scraper.ExpectAsync(relay, new()
            {
                [Closes] = new()
                {
                    ["endpoint=client,cause=too_big"] = 1,
                    ["endpoint=client,cause=peer_gone"] = 1,
                    ["endpoint=client,cause=read_timeout"] = 1,
                },
                [Frames] = [],
                ["pyrycode_relay_connected_phones"] = [],
            });
        }
    }

    [Fact]
    public async Task HeartbeatTimeout_CloseHeartbeatTimeout()
    {
        await using var relay = await TestRelay.StartAsync(o => o with
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatTimeout = TimeSpan.FromMilliseconds(300),
            CloseHandshakeTimeout = TimeSpan.FromMilliseconds(300),
        }, metrics: true);
        await using var b = await relay.ConnectHolderAsync("srv-m-hb");
        var bReads = b.KeepReadingAsync();
        var (silent, _) = await relay.ConnectRegisteredPhoneAsync("srv-m-hb"); // never reads, so never answers a ping
        await using var _ = silent;

        await Scraper.ExpectAsync(relay, new()
        {
            [Closes] = new() { ["endpoint=client,cause=heartbeat_timeout"] = 1 },
            ["pyrycode_relay_connected_phones"] = [],
            ["pyrycode_relay_connected_binaries"] = new() { [""] = 1 },
        });
    }

    [Fact(Skip = "Counting bug in Forwarding/BinarySession.cs (lead's folder): a binary's heartbeat timeout is counted as "
        + "peer_gone because ServeAsync (lines 79-81) does not remember that the heartbeat closed it. Enable after the fix.")]
    public async Task BinaryHeartbeatTimeout_CloseHeartbeatTimeout()
    {
        await using var relay = await TestRelay.StartAsync(o => o with
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatTimeout = TimeSpan.FromMilliseconds(300),
            CloseHandshakeTimeout = TimeSpan.FromMilliseconds(300),
        }, metrics: true);
        await using var silent = await relay.ConnectHolderAsync("srv-m-bhb"); // never reads, so never answers a ping

        await Scraper.ExpectAsync(relay, new()
        {
            [Closes] = new() { ["endpoint=server,cause=heartbeat_timeout"] = 1 },
            ["pyrycode_relay_connected_binaries"] = [],
        });
    }

    [Fact]
    public async Task Shutdown_PhoneCloseCountsShutdown_BinaryCountedOnce()
    {
        var closes = await ShutdownAndCollectClosesAsync("srv-m-down");
        Assert.Equal(1, closes.GetValueOrDefault("endpoint=client,cause=shutdown"));
        Assert.Equal(1, closes.Where(c => c.Key.StartsWith("endpoint=server,", StringComparison.Ordinal)).Sum(c => c.Value));
        Assert.Equal(2, closes.Values.Sum());
    }

    [Fact(Skip = "Counting race (Forwarding/BinarySession.cs:79-81 with Hosting/RelayHost.Shutdown.cs): Kestrel's StopAsync cancels the "
        + "pending transport read, so a binary closed by shutdown often ends as PeerGone and is counted peer_gone. Enable after the fix.")]
    public async Task Shutdown_BinaryCloseCountsShutdown()
    {
        var closes = await ShutdownAndCollectClosesAsync("srv-m-down2");
        Assert.Equal(new Dictionary<string, double> { ["endpoint=server,cause=shutdown"] = 1, ["endpoint=client,cause=shutdown"] = 1 }, closes);
    }

    private static async Task<IReadOnlyDictionary<string, double>> ShutdownAndCollectClosesAsync(string serverId)
    {
        await using var relay = await TestRelay.StartAsync(metrics: true);
        await using var b = await relay.ConnectHolderAsync(serverId);
        var bReads = b.KeepReadingAsync();
        var (p, _) = await relay.ConnectRegisteredPhoneAsync(serverId);
        await using var _ = p;
        var pReads = p.KeepReadingAsync();

        Assert.True(await relay.Host.ShutdownAsync());
        await Task.WhenAll(bReads, pReads).WaitAsync(TimeSpan.FromSeconds(10));

        // The listeners are stopped now: read the exporter the metrics listener serves directly.
        var scrape = Exposition.Parse(relay.Host.Runtime.Metrics.Exporter.Collect());
        SpecCatalogue.AssertConforms(scrape);
        return scrape.NonZero(Closes);
    }
}
