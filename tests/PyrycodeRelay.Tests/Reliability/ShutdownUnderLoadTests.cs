using System.Diagnostics;
using System.Text.Json;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// Fault: shutdown in the middle of a flood in both directions (docs/protocol.md#graceful-shutdown, docs/operations.md#shutdown). Every
/// client gets 1001 <c>shutting down</c>, the binary gets no close notice, and the drain finishes (the process
/// exits 0) within the drain deadline.
/// </summary>
public sealed class ShutdownUnderLoadTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task In_process_shutdown_mid_flood_closes_everyone_1001_within_the_drain_deadline()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { DrainTimeout = Drain });
        var binary = await relay.ConnectHolderAsync();
        var phones = new List<(WsTestClient Client, string ConnId)>();
        for (var i = 0; i < 3; i++)
        {
            phones.Add(await relay.ConnectRegisteredPhoneAsync());
        }

        var (binaryPeer, phonePeers) = StartFlood(binary, phones);
        await WaitForTrafficAsync(binaryPeer, phonePeers);

        var sw = Stopwatch.StartNew();
        Assert.True(await relay.Host.ShutdownAsync().WaitAsync(Drain + TimeSpan.FromSeconds(5)));
        Assert.True(sw.Elapsed < Drain, $"drain took {sw.Elapsed}");

        await AssertAllClosedShuttingDownAsync(binaryPeer, phonePeers);
        await relay.Logs.WaitForAsync("shutdown complete");
        Assert.Empty(relay.Logs.Named("drain incomplete"));
    }

    [Fact]
    public async Task Sigterm_mid_flood_closes_everyone_1001_and_the_process_exits_0_within_the_drain_deadline()
    {
        await using var relay = await LiveRelay.StartAsync(["--rate-limit-burst", "1000000", "--drain-timeout", "5s"], metrics: false);
        var binary = await WsTestClient.ConnectAsync(relay.Target, "/v1/server", ClientHeaders.Binary("s1"));
        await relay.WaitForCountsAsync(1, 0);
        var phones = new List<(WsTestClient Client, string ConnId)>();
        for (var i = 0; i < 3; i++)
        {
            var phone = await WsTestClient.ConnectAsync(relay.Target, "/v1/client", ClientHeaders.Phone("s1"));
            await phone.SendTextAsync($"{{\"hello\":{i}}}");
            using var doc = JsonDocument.Parse(await binary.ReceiveTextAsync());
            phones.Add((phone, doc.RootElement.GetProperty("conn_id").GetString()!));
        }

        var (binaryPeer, phonePeers) = StartFlood(binary, phones);
        await WaitForTrafficAsync(binaryPeer, phonePeers);

        var sw = Stopwatch.StartNew();
        relay.Process.Terminate();
        await AssertAllClosedShuttingDownAsync(binaryPeer, phonePeers);
        var (exitCode, _, stderr) = await relay.Process.WaitForExitAsync();
        Assert.Equal(0, exitCode);
        Assert.True(sw.Elapsed < Drain, $"exit took {sw.Elapsed}");
        Assert.Contains(stderr, l => l.Contains("msg=\"shutdown signal received; draining\"", StringComparison.Ordinal));
        Assert.Contains(stderr, l => l.Contains("msg=\"shutdown complete\"", StringComparison.Ordinal));
        Assert.DoesNotContain(stderr, l => l.Contains("drain incomplete", StringComparison.Ordinal));
    }

    /// <summary>The binary floods every phone; every phone floods the binary.</summary>
    private static (FloodPeer Binary, List<FloodPeer> Phones) StartFlood(WsTestClient binary, List<(WsTestClient Client, string ConnId)> phones)
    {
        var pad = new string('x', 2048);
        var binaryPeer = new FloodPeer(binary, n => $"{{\"conn_id\":\"{phones[n % phones.Count].ConnId}\",\"frame\":{{\"n\":{n},\"pad\":\"{pad}\"}}}}");
        var phonePeers = phones.Select(p => new FloodPeer(p.Client, n => $"{{\"n\":{n},\"pad\":\"{pad}\"}}")).ToList();
        return (binaryPeer, phonePeers);
    }

    private static async Task WaitForTrafficAsync(FloodPeer binary, List<FloodPeer> phones)
    {
        var sw = Stopwatch.StartNew();
        while (binary.Messages.Count < 100 || phones.Any(p => p.Messages.Count < 20))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "the flood did not get going");
            await Task.Delay(20);
        }
    }

    private static async Task AssertAllClosedShuttingDownAsync(FloodPeer binary, List<FloodPeer> phones)
    {
        foreach (var peer in phones.Prepend(binary))
        {
            Assert.Equal((1001, "shutting down"), await peer.Closed.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        // docs/protocol.md#graceful-shutdown: no close notices once shutdown has begun; the binary only ever received data envelopes.
        Assert.All(binary.Messages, m => Assert.Contains("\"frame\":", m, StringComparison.Ordinal));
    }
}
