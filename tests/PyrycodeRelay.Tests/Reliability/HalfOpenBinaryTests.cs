using System.Diagnostics;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// Fault: the holder's TCP goes half-open (the binary keeps its socket but stops reading and answering).
/// A restarted binary must take the server-id over within the conflict probe timeout (docs/protocol.md#conflict-probe-and-takeover).
/// </summary>
public sealed class HalfOpenBinaryTests
{
    [Fact]
    public async Task Half_open_holder_is_taken_over_within_the_probe_timeout()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(1) });

        // The incumbent: upgrades, is claimed, then never reads or writes again (its kernel still ACKs).
        using var incumbent = await RawWsClient.ConnectAsync(relay.Target, "/v1/server", RawWsClient.BinaryHeaders("s1"));
        await relay.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "s1");
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync();
        await using var _ = phone;

        var sw = Stopwatch.StartNew();
        await using var restarted = await WsTestClient.ConnectBinaryAsync(relay.Target);
        var evicted = await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(5));
        var took = sw.Elapsed;

        Assert.Equal((4404, "binary reclaimed server-id"), evicted);
        Assert.InRange(took, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4)); // 1 s probe; slack for a loaded machine
        await relay.Logs.WaitForAsync("server_id_takeover", e => e["server_id"] == "s1");
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count(x => x["server_id"] == "s1") == 2);

        // The newcomer holds s1: a new phone's frame reaches it and nobody else.
        var (phone2, connId2) = await relay.ConnectRegisteredPhoneAsync();
        await using var __ = phone2;
        await phone2.SendTextAsync("{\"after\":\"takeover\"}");
        Assert.Equal($"{{\"conn_id\":\"{connId2}\",\"frame\":{{\"after\":\"takeover\"}}}}", await restarted.ReceiveTextAsync());
        Assert.NotEqual(connId, connId2);

        // When the incumbent reads again it finds the probe Ping, then 1011 `heartbeat timeout`.
        var pings = 0;
        var close = await incumbent.ReadUntilCloseAsync(TimeSpan.FromSeconds(5), (op, _) => pings += op == 0x9 ? 1 : 0);
        Assert.Equal((1011, "heartbeat timeout"), close);
        Assert.Equal(1, pings);
    }
}
