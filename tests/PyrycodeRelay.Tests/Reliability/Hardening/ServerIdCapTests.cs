using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Registry;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Reliability.Hardening;

/// <summary>
/// Issue 13 finding 11 (docs/operations.md#abuse-limits-per-session): claim-then-disconnect rounds each left a
/// gracing server-id behind, without bound. Live and gracing server-ids are now capped by <c>--max-server-ids</c>.
/// </summary>
public sealed class ServerIdCapTests
{
    private const string Upgrades = "pyrycode_relay_ws_upgrade_attempts_total";

    private static int ServerIds(TestRelay relay) => ((ServerRegistry<BinaryPeer, PhonePeer>)relay.Host.Registry).ServerIds;

    [Fact]
    public async Task Claim_then_disconnect_rounds_stay_within_the_cap_and_a_live_holder_keeps_working()
    {
        const int Cap = 8;
        const int Rounds = 60;
        await using var relay = await TestRelay.StartAsync(o => o with { MaxServerIds = Cap, GracePeriod = TimeSpan.FromMinutes(5) }, metrics: true);
        await using var victim = await relay.ConnectHolderAsync("victim", read: true);
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("victim", read: true);
        await using var _ = phone;

        // The attack: each round claims a fresh server-id and disconnects, leaving it in a 5-minute grace.
        for (var i = 0; i < Rounds; i++)
        {
            var id = "churn-" + i;
            var b = await relay.ConnectHolderAsync(id);
            await b.CloseAsync();
            await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == id);
            await b.DisposeAsync();
            Assert.InRange(ServerIds(relay), 1, Cap);
        }

        Assert.Equal(Cap, ServerIds(relay));
        Assert.Equal(Rounds - (Cap - 1), relay.Logs.Named("server_grace_cut_short").Count);
        Assert.Equal("churn-0", relay.Logs.Named("server_grace_cut_short")[0]["server_id"]); // the oldest first
        Assert.Empty(relay.Logs.Named("server_ids_at_cap"));

        // The live holder was never touched; the newest grace is still reclaimable.
        await phone.SendTextAsync("{\"n\":1}");
        Assert.Equal(Envelopes.Data(connId, "{\"n\":1}"), await victim.ReceiveTextAsync());
        await using var back = await relay.ConnectHolderAsync("churn-" + (Rounds - 1));
        Assert.Equal(Rounds - (Cap - 1), relay.Logs.Named("server_grace_cut_short").Count);
    }

    [Fact]
    public async Task A_phone_of_a_grace_cut_short_is_closed_as_on_expiry()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { MaxServerIds = 1, GracePeriod = TimeSpan.FromMinutes(5) }, metrics: true);
        var b = await relay.ConnectHolderAsync("old");
        var (phone, _) = await relay.ConnectRegisteredPhoneAsync("old", read: true);
        await using var _p = phone;
        await b.CloseAsync();
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "old");
        await b.DisposeAsync();

        await using var fresh = await relay.ConnectHolderAsync("new");
        Assert.Equal((1000, ""), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        await relay.Logs.WaitForAsync("server_grace_expired", e => e["server_id"] == "old");
        Assert.Equal("old", Assert.Single(relay.Logs.Named("server_grace_cut_short"))["server_id"]);
        await relay.ExpectMetricsAsync(new() { ["pyrycode_relay_grace_expiries_total"] = new() { [""] = 1 } });
    }

    [Fact]
    public async Task When_every_server_id_is_live_a_new_claim_is_refused_1013_never_4409()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { MaxServerIds = 2 }, metrics: true);
        await using var a = await relay.ConnectHolderAsync("a", read: true);
        await using var b = await relay.ConnectHolderAsync("b", read: true);

        await using (var c = await WsTestClient.ConnectBinaryAsync(relay.Target, "c"))
        {
            await c.ExpectCloseAsync(1013, "relay at server-id capacity");
        }

        var refused = await relay.Logs.WaitForAsync("server_ids_at_cap");
        Assert.Equal("c", refused["server_id"]);
        Assert.Equal(2, ServerIds(relay));
        await relay.ExpectMetricsAsync(new()
        {
            [Upgrades] = new() { ["endpoint=server,outcome=accept"] = 2, ["endpoint=server,outcome=reject_capacity"] = 1 },
            ["pyrycode_relay_connection_closes_total"] = new() { ["endpoint=server,cause=rejected"] = 1 },
        });

        // The holders are untouched: a phone of each still gets through.
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync("a", read: true);
        await using var _ = p;
        await p.SendTextAsync("1");
        Assert.Equal(Envelopes.Data(connId, "1"), await a.ReceiveTextAsync());
    }
}
