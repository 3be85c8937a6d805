using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Tests.Registry;

/// <summary>Claims, the conflict probe, takeover and phone registration (docs/protocol.md#binary-claim, #conflict-probe-and-takeover, #phone-registration).</summary>
public sealed class ServerRegistryClaimTests
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(7);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeConnIdKeys _keys = new(7, 7, 9);
    private readonly ServerRegistry<FakeBinary, FakePhone> _registry;

    public ServerRegistryClaimTests() =>
        _registry = new ServerRegistry<FakeBinary, FakePhone>(_time, TimeSpan.FromSeconds(30), phonesPerServer: 2, ProbeTimeout, _keys.Draw, (_, _) => { });

    private async Task<PhoneRegistration<FakePhone>> Register(string serverId) =>
        await _registry.RegisterPhoneAsync(serverId, binding => new FakePhone(binding));

    [Fact]
    public async Task First_claim_makes_the_claimant_live_holder_synchronously()
    {
        var a = new FakeBinary("s1");

        var pending = _registry.ClaimAsync(a);
        Assert.True(pending.IsCompletedSuccessfully); // single-node claims complete without a round trip
        var decision = await pending;

        Assert.Equal(ClaimOutcome.Claimed, decision.Outcome);
        Assert.NotNull(decision.Slot);
        Assert.Same(a, decision.Slot.Holder);
        Assert.False(decision.Slot.Gracing);
        Assert.True(decision.Slot.Epoch > 0);
        Assert.Empty(a.ProbeTimeouts);
        Assert.Equal(1, _registry.ConnectedBinaries);
    }

    [Fact]
    public async Task Claim_on_a_live_server_id_probes_the_incumbent_and_a_pong_refuses_it()
    {
        var a = new FakeBinary("s1") { Pong = true };
        var b = new FakeBinary("s1");
        var slot = (await _registry.ClaimAsync(a)).Slot!;
        var epoch = slot.Epoch;
        var phone = (await Register("s1")).Phone!;

        var decision = await _registry.ClaimAsync(b);

        Assert.Equal(ClaimOutcome.Conflict, decision.Outcome);
        Assert.Equal([ProbeTimeout], a.ProbeTimeouts);
        Assert.Same(a, slot.Holder);
        Assert.Equal(epoch, slot.Epoch);
        Assert.Equal(BindingState.Live, phone.Binding.State);
        Assert.Equal(1, _registry.ConnectedPhones);
        Assert.Equal(1, _registry.ConnectedBinaries);
    }

    [Fact]
    public async Task Unanswered_probe_takes_over_displaces_the_incumbent_and_evicts_its_phones()
    {
        var a = new FakeBinary("s1") { Pong = false };
        var b = new FakeBinary("s1");
        var slot = (await _registry.ClaimAsync(a)).Slot!;
        var epoch = slot.Epoch;
        var p1 = (await Register("s1")).Phone!;
        var p2 = (await Register("s1")).Phone!;

        var decision = await _registry.ClaimAsync(b);

        Assert.Equal(ClaimOutcome.TakenOver, decision.Outcome);
        Assert.Same(slot, decision.Slot);
        Assert.Same(a, decision.Displaced);
        Assert.Equal(2, decision.Evicted!.Count);
        Assert.Contains(p1, decision.Evicted);
        Assert.Contains(p2, decision.Evicted);
        Assert.Same(b, slot.Holder);
        Assert.True(slot.Epoch > epoch);
        Assert.Equal(0, _registry.ConnectedPhones);
        Assert.Equal(1, _registry.ConnectedBinaries);
        Assert.Equal(BindingState.NotHolder, p1.Binding.State);
        Assert.Null(slot.Find(a, p1.Binding.Key));
        Assert.False(await _registry.ReleaseAsync(a)); // the displaced incumbent's end changes nothing
        Assert.Same(b, slot.Holder);
        Assert.False(slot.Gracing);
    }

    [Fact]
    public async Task Probe_resolved_after_another_claimant_won_is_a_conflict()
    {
        var a = new FakeBinary("s1") { Pong = null };
        var b = new FakeBinary("s1");
        var c = new FakeBinary("s1");
        var slot = (await _registry.ClaimAsync(a)).Slot!;
        var claimB = _registry.ClaimAsync(b);
        var claimC = _registry.ClaimAsync(c);
        Assert.False(claimB.IsCompleted);
        Assert.False(claimC.IsCompleted);

        a.AnswerProbe(false);
        var outcomes = new[] { (await claimB).Outcome, (await claimC).Outcome };

        Assert.Equal([ClaimOutcome.TakenOver, ClaimOutcome.Conflict], outcomes.Order()); // one wins, whichever resolves first
        Assert.Same(outcomes[0] == ClaimOutcome.TakenOver ? b : c, slot.Holder);
        Assert.Equal(1, _registry.ConnectedBinaries);
    }

    [Fact]
    public async Task Phones_register_up_to_the_cap_bound_to_the_claim_in_force()
    {
        var a = new FakeBinary("s1");
        Assert.Equal(PhoneRegistrationOutcome.NoServer, (await Register("s1")).Outcome);
        var slot = (await _registry.ClaimAsync(a)).Slot!;

        var p1 = await Register("s1");
        var p2 = await Register("s1");
        var p3 = await Register("s1");

        Assert.Equal(PhoneRegistrationOutcome.Registered, p1.Outcome);
        Assert.Equal(PhoneRegistrationOutcome.Registered, p2.Outcome);
        Assert.Equal(PhoneRegistrationOutcome.AtCap, p3.Outcome);
        Assert.Null(p3.Phone);
        Assert.NotEqual(p1.Phone!.Binding.Key, p2.Phone!.Binding.Key);
        Assert.Equal(new PhoneBinding<FakeBinary, FakePhone>(slot, p1.Phone.Binding.Key, slot.Epoch, a), p1.Phone.Binding);
        Assert.Same(p2.Phone, slot.Find(a, p2.Phone.Binding.Key));
        Assert.Null(slot.Find(new FakeBinary("s1"), p2.Phone.Binding.Key)); // only the holder routes to its phones
        Assert.Equal(2, _registry.ConnectedPhones);
        Assert.Equal(PhoneRegistrationOutcome.NoServer, (await Register("s2")).Outcome);
    }

    [Fact]
    public async Task A_drawn_conn_id_key_that_collides_with_a_registered_phone_is_redrawn()
    {
        await _registry.ClaimAsync(new FakeBinary("s1"));

        var p1 = (await Register("s1")).Phone!; // draws 7
        var p2 = (await Register("s1")).Phone!; // draws 7 (taken by p1), then 9

        Assert.Equal(7UL, p1.Binding.Key);
        Assert.Equal(9UL, p2.Binding.Key);
        Assert.Equal(3, _keys.Draws);
    }

    [Fact]
    public async Task Unregister_frees_a_cap_slot_once()
    {
        await _registry.ClaimAsync(new FakeBinary("s1"));
        var p1 = (await Register("s1")).Phone!;
        await Register("s1");

        Assert.True(await _registry.UnregisterAsync(p1));
        Assert.False(await _registry.UnregisterAsync(p1));
        Assert.Equal(1, _registry.ConnectedPhones);
        Assert.Null(p1.Binding.Slot.Find(p1.Binding.Holder, p1.Binding.Key));
        Assert.Equal(PhoneRegistrationOutcome.Registered, (await Register("s1")).Outcome);
    }

    [Fact]
    public async Task Shutdown_refuses_claims_registrations_and_a_probe_still_running()
    {
        var a = new FakeBinary("s1") { Pong = null };
        await _registry.ClaimAsync(a);
        var claimB = _registry.ClaimAsync(new FakeBinary("s1"));

        _registry.BeginShutdown();
        a.AnswerProbe(false);

        Assert.Equal(ClaimOutcome.ShuttingDown, (await claimB).Outcome);
        Assert.Equal(ClaimOutcome.ShuttingDown, (await _registry.ClaimAsync(new FakeBinary("s2"))).Outcome);
        Assert.Equal(PhoneRegistrationOutcome.ShuttingDown, (await Register("s1")).Outcome);
    }
}
