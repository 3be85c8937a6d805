using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>
/// Scenarios O (104–106), in process: <c>RelayHost.ShutdownAsync</c> instead of SIGTERM (docs/protocol.md#graceful-shutdown,
/// docs/operations.md#shutdown). Cross-node, "the relay shuts down" is the binaries' node for the binary-only scenarios
/// and every node (binaries' node first, so no close notice is due) where phones take part; one node shutting down
/// under live peers elsewhere is covered by <c>CrossNodeTests</c>.
/// </summary>
public class ShutdownTests : RelayScenario
{
    [Fact]
    public async Task Scenario104_Shutdown_BinaryGets1001_Complete()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var clock = Stopwatch.StartNew();
        Assert.True(await relay.Host.ShutdownAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"drain took {clock.Elapsed}");
        Assert.Equal((1001, "shutting down"), await b.ReceiveCloseAsync());
        var complete = relay.Logs.Named("shutdown complete").Single();
        Assert.Equal(LogLevel.Information, complete.Level);
        Assert.Empty(relay.Logs.Named("drain incomplete"));
        Assert.Empty(relay.Logs.Named("shutdown deadline exceeded; force-closed listeners"));
    }

    [Fact]
    public async Task Scenario105_Shutdown_AllGet1001_NoCloseNotice()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p1, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        var (p2, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _1 = p1;
        await using var _2 = p2;
        Assert.True(await relay.ShutdownEveryNodeAsync());
        Assert.Equal((1001, "shutting down"), await b.ReceiveCloseAsync());
        Assert.Equal((1001, "shutting down"), await p1.ReceiveCloseAsync());
        Assert.Equal((1001, "shutting down"), await p2.ReceiveCloseAsync());
        Assert.Equal(relay.IsCrossNode ? 2 : 1, relay.Logs.Named("shutdown complete").Count);
        Assert.Empty(relay.Logs.Named("phone_close_notice_send_failed"));
    }

    [Fact]
    public async Task Scenario106_PeerNeverAnswers_DrainDeadline_ForceClosed()
    {
        await using var relay = await StartRelayAsync(o => o with { DrainTimeout = TimeSpan.FromSeconds(1) });
        var (raw, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _r = raw;
        await relay.Logs.WaitForAsync("server_claimed");

        var clock = Stopwatch.StartNew();
        Assert.False(await relay.Host.ShutdownAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        var exceeded = relay.Logs.Named("shutdown deadline exceeded; force-closed listeners").Single();
        Assert.Equal(LogLevel.Warning, exceeded.Level);
        Assert.False(string.IsNullOrEmpty(exceeded["err"]));
        var incomplete = relay.Logs.Named("drain incomplete").Single();
        Assert.Equal(LogLevel.Warning, incomplete.Level);
        Assert.False(string.IsNullOrEmpty(incomplete["err"]));
        LogOrder.AssertBefore(relay, exceeded, incomplete);
        Assert.Empty(relay.Logs.Named("shutdown complete"));

        // The never-reading client finds the 1001 close and then the end of the connection.
        var frames = await raw.ReadUntilEndAsync(TimeSpan.FromSeconds(2));
        var close = frames.SingleOrDefault(f => f.Opcode == WsFrames.Close);
        Assert.True(close is not null, "no close frame: " + raw.EndReason);
        Assert.Equal((1001, "shutting down"), (close.CloseCode, close.CloseReason));
    }

    [Fact]
    public async Task Shutdown_DuringProbe_Claimant1001_NoLogNoOutcome()
    {
        await using var relay = await StartRelayAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(10) });
        var (b1, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b1 = b1;
        await relay.Logs.WaitForAsync("server_claimed");
        using var metrics = new RelayMetricsProbe(relay);
        await using var b2 = await WsTestClient.ConnectBinaryAsync(relay.Target, read: true);
        var ping = await b1.ReadFrameAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(WsFrames.Ping, ping!.Opcode); // the probe is running; B1 does not answer

        var shutdown = relay.Host.ShutdownAsync();
        Assert.Equal((1001, "shutting down"), await b2.ReceiveCloseAsync(TimeSpan.FromSeconds(3)));
        var close = await b1.ReadMessageFrameAsync(TimeSpan.FromSeconds(3));
        Assert.Equal((1001, "shutting down"), (close!.CloseCode, close.CloseReason));
        await b1.SendCloseAsync(1001);
        Assert.True(await shutdown.WaitAsync(TimeSpan.FromSeconds(12)));
        Assert.Empty(relay.Logs.Named("server_id_conflict"));
        Assert.Empty(relay.Logs.Named("server_id_takeover"));
        Assert.Single(relay.Logs.Named("server_claimed"));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total"));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_register_failures_total"));
    }

    [Fact]
    public virtual async Task Shutdown_AbandonsGrace_NoExpiry()
    {
        await using var relay = await StartRelayAsync(o => o with { GracePeriod = TimeSpan.FromSeconds(1) });
        using var metrics = new RelayMetricsProbe(relay);
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (p, _) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _p = p;
        await b.CloseOutputAsync();
        await b.ReceiveCloseAsync();
        await relay.Logs.WaitForAsync("server_released");
        Assert.True(await relay.ShutdownEveryNodeAsync());
        Assert.Equal((1001, "shutting down"), await p.ReceiveCloseAsync());
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(relay.Logs.Named("server_grace_expired"));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_grace_expiries_total"));
    }

    [Fact]
    public async Task AfterShutdown_NewConnectionsRefused()
    {
        await using var relay = await StartRelayAsync();
        Assert.True(await relay.Host.ShutdownAsync());
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(System.Net.IPAddress.Loopback, relay.Host.RelayPort, cts.Token));
    }
}
