using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Reliability.Hardening;

/// <summary>
/// Issue 13 finding 4 (docs/operations.md#abuse-limits-per-session): the relay-wide outbox budget was first-come, so
/// one server-id's slow-reading phones took all of it and any other server-id's phone that was sent a frame was closed
/// <c>1011 phone backlog full</c>. Now each server-id has its own budget, and when the relay-wide one is short the
/// server-id above its fair share is shed, not the recipient.
/// </summary>
public sealed class TenantOutboxTests
{
    private const string Queued = "pyrycode_relay_outbox_queued_bytes";
    private const int MaxMessage = 65536;
    private const long RelayBudget = 1_000_000;

    private static string Numbered(int n, int length) => "\"" + n.ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + new string('x', length - 10) + "\"";

    private static Task<TestRelay> StartAsync(long serverBudget) => TestRelay.StartAsync(o => o with
    {
        MaxMessageBytes = MaxMessage,
        PhoneOutboxBytes = 600_000,       // 9 frames: a single phone never overflows its own budget here
        ServerOutboxBytes = serverBudget,
        OutboxBudgetBytes = RelayBudget,
        WriteTimeout = TimeSpan.FromSeconds(60),
        CloseHandshakeTimeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>The attacker: a server-id with two phones that never read (fixed small receive windows).</summary>
    private static async Task<(WsTestClient Binary, List<(WsTestClient Phone, string ConnId)> Phones)> AttackerAsync(TestRelay relay)
    {
        var binary = await relay.ConnectHolderAsync("ta", read: true);
        var phones = new List<(WsTestClient, string)>();
        for (var i = 0; i < 2; i++)
        {
            phones.Add(await relay.ConnectRegisteredPhoneAsync("ta", receiveBuffer: 16 * 1024));
        }

        return (binary, phones);
    }

    [Fact]
    public async Task One_server_ids_slow_phones_take_only_its_own_budget_and_another_server_ids_phone_keeps_every_frame()
    {
        const long ServerBudget = 400_000;
        await using var relay = await StartAsync(ServerBudget);
        using var metrics = new RelayMetricsProbe(relay);
        metrics.StartSampling();
        var (a, attackers) = await AttackerAsync(relay);
        await using var _a = a;
        var markA = new Marker(relay, a, "ta");
        try
        {
            // The attack: stream max-size frames to the stalled phones until the relay refuses one.
            var length = MaxMessage - Envelopes.Overhead(attackers[0].ConnId);
            for (var sent = 0; relay.Logs.Named("binary_forwarder_phone_enqueue_failed").Count == 0; sent++)
            {
                Assert.True(sent < 400, "no overflow after 400 frames");
                await a.SendTextAsync(Envelopes.Data(attackers[sent % 2].ConnId, Numbered(sent, length)));
                await markA.SyncAsync();
            }

            var refused = Assert.Single(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"));
            Assert.Equal(("ta", "relay: server-id outbox budget exhausted"), (refused["server_id"], refused["err"]));
            Assert.True(metrics.MaxGauge(Queued) <= ServerBudget, $"the attacker held {metrics.MaxGauge(Queued)} bytes");

            // The victim: another server-id whose phone is briefly not reading gets frames queued meanwhile.
            await using var b = await relay.ConnectHolderAsync("tb", read: true);
            var (victim, victimId) = await relay.ConnectRegisteredPhoneAsync("tb", receiveBuffer: 16 * 1024);
            await using var _v = victim;
            var markB = new Marker(relay, b, "tb");
            var victimLength = MaxMessage - Envelopes.Overhead(victimId);
            const int VictimFrames = 8;
            for (var i = 1; i <= VictimFrames; i++)
            {
                await b.SendTextAsync(Envelopes.Data(victimId, Numbered(i, victimLength)));
                await markB.SyncAsync();
            }

            Assert.DoesNotContain(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"), e => e["server_id"] == "tb");
            victim.StartReading();
            for (var i = 1; i <= VictimFrames; i++)
            {
                Assert.Equal(Numbered(i, victimLength), await victim.ReceiveTextAsync());
            }

            await victim.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
            Assert.DoesNotContain(relay.Logs.Named("phone_unregistered"), e => e["conn_id"] == victimId);
        }
        finally
        {
            foreach (var (phone, _) in attackers)
            {
                await phone.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task When_the_relay_wide_budget_is_short_the_server_id_above_its_fair_share_is_shed_not_the_recipient()
    {
        // The per-server-id budget equals the relay-wide one here, so only the fair-share rule can protect the victim.
        await using var relay = await StartAsync(RelayBudget);
        using var metrics = new RelayMetricsProbe(relay);
        var (a, attackers) = await AttackerAsync(relay);
        await using var _a = a;
        var markA = new Marker(relay, a, "ta");
        try
        {
            // The attacker fills the relay-wide budget to less than one frame from the limit.
            var length = MaxMessage - Envelopes.Overhead(attackers[0].ConnId);
            var cost = length + 64L;
            for (var sent = 0; metrics.Gauge(Queued) + cost <= RelayBudget; sent++)
            {
                Assert.True(sent < 400, $"the budget never filled: {metrics.Gauge(Queued)}");
                await a.SendTextAsync(Envelopes.Data(attackers[sent % 2].ConnId, Numbered(sent, length)));
                await markA.SyncAsync();
            }

            Assert.Empty(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"));

            // The victim's frames do not fit any more: the attacker (far above half the budget) is shed instead.
            await using var b = await relay.ConnectHolderAsync("tb", read: true);
            var (victim, victimId) = await relay.ConnectRegisteredPhoneAsync("tb", receiveBuffer: 16 * 1024);
            await using var _v = victim;
            var markB = new Marker(relay, b, "tb");
            var victimLength = MaxMessage - Envelopes.Overhead(victimId);
            const int VictimFrames = 6;
            for (var i = 1; i <= VictimFrames; i++)
            {
                await b.SendTextAsync(Envelopes.Data(victimId, Numbered(i, victimLength)));
                await markB.SyncAsync();
            }

            Assert.Empty(relay.Logs.Named("binary_forwarder_phone_enqueue_failed"));
            var shed = Assert.Single(relay.Logs.Named("phone_shed_fair_share"));
            Assert.Equal("ta", shed["server_id"]);
            var shedPhone = attackers.Single(x => x.ConnId == shed["conn_id"]).Phone;
            shedPhone.StartReading();
            PeerEvent e;
            while ((e = await shedPhone.NextAsync(TimeSpan.FromSeconds(20))).IsMessage)
            {
            }

            Assert.Equal((1011, "phone backlog full"), (e.CloseCode, e.CloseReason));

            victim.StartReading();
            for (var i = 1; i <= VictimFrames; i++)
            {
                Assert.Equal(Numbered(i, victimLength), await victim.ReceiveTextAsync());
            }

            await victim.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
            Assert.DoesNotContain(relay.Logs.Named("phone_unregistered"), x => x["conn_id"] == victimId);
        }
        finally
        {
            foreach (var (phone, _) in attackers)
            {
                await phone.DisposeAsync();
            }
        }
    }
}
