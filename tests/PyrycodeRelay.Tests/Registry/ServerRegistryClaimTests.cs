using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Tests.Registry;

/// <summary>Claims, the conflict probe's resolution and phone registration (protocol.md §5.1, §5.2, §5.4).</summary>
public sealed class ServerRegistryClaimTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeConnIdKeys _keys = new(7, 7, 9);
    private readonly ServerRegistry _registry;

    public ServerRegistryClaimTests() => _registry = new ServerRegistry(_time, TimeSpan.FromSeconds(30), phonesPerServer: 2, _keys.Draw);

    private PhoneRegistration Register(string serverId) =>
        _registry.RegisterPhone(serverId, (key, bound) => new FakePhone(serverId, key, bound));

    [Fact]
    public void First_claim_makes_the_claimant_live_holder()
    {
        var a = new FakeBinary("s1");

        var decision = _registry.BeginClaim(a);

        Assert.Equal(ClaimOutcome.Claimed, decision.Outcome);
        Assert.NotNull(decision.Slot);
        Assert.Same(a, decision.Slot.Holder);
        Assert.True(_registry.IsLiveHolder(a));
        Assert.Equal(1, _registry.ConnectedBinaries);
    }

    [Fact]
    public void Claim_on_a_live_server_id_asks_for_a_probe_and_a_pong_refuses_it()
    {
        var a = new FakeBinary("s1");
        var b = new FakeBinary("s1");
        _registry.BeginClaim(a);
        var phone = Register("s1");

        var first = _registry.BeginClaim(b);
        var resolved = _registry.ResolveProbe(b, a, pongReceived: true);

        Assert.Equal(ClaimOutcome.ProbeIncumbent, first.Outcome);
        Assert.Same(a, first.Incumbent);
        Assert.Equal(ClaimOutcome.Conflict, resolved.Outcome);
        Assert.True(_registry.IsLiveHolder(a));
        Assert.False(_registry.IsLiveHolder(b));
        Assert.Equal(BindingState.Live, ServerRegistry.StateOf(phone.Phone!, phone.Slot!));
        Assert.Equal(1, _registry.ConnectedPhones);
    }

    [Fact]
    public void Unanswered_probe_takes_over_and_evicts_the_phones()
    {
        var a = new FakeBinary("s1");
        var b = new FakeBinary("s1");
        _registry.BeginClaim(a);
        var p1 = Register("s1");
        var p2 = Register("s1");

        _registry.BeginClaim(b);
        var resolved = _registry.ResolveProbe(b, a, pongReceived: false);

        Assert.Equal(ClaimOutcome.TakenOver, resolved.Outcome);
        Assert.Same(a, resolved.Incumbent);
        Assert.Equal(2, resolved.Evicted!.Count);
        Assert.Contains(p1.Phone!, resolved.Evicted);
        Assert.Contains(p2.Phone!, resolved.Evicted);
        Assert.True(_registry.IsLiveHolder(b));
        Assert.Equal(0, _registry.ConnectedPhones);
        Assert.Equal(1, _registry.ConnectedBinaries);
        Assert.Equal(BindingState.NotHolder, ServerRegistry.StateOf(p1.Phone!, p1.Slot!));
        Assert.False(_registry.Release(a)); // the displaced incumbent's end changes nothing
        Assert.True(_registry.IsLiveHolder(b));
    }

    [Fact]
    public void Probe_resolved_after_another_claimant_won_is_a_conflict()
    {
        var a = new FakeBinary("s1");
        var b = new FakeBinary("s1");
        var c = new FakeBinary("s1");
        _registry.BeginClaim(a);
        _registry.BeginClaim(b);
        _registry.BeginClaim(c);

        Assert.Equal(ClaimOutcome.TakenOver, _registry.ResolveProbe(c, a, pongReceived: false).Outcome);
        Assert.Equal(ClaimOutcome.Conflict, _registry.ResolveProbe(b, a, pongReceived: false).Outcome);
        Assert.True(_registry.IsLiveHolder(c));
    }

    [Fact]
    public void Phones_register_up_to_the_cap_with_distinct_keys_bound_to_the_holder()
    {
        var a = new FakeBinary("s1");
        Assert.Equal(PhoneRegistrationOutcome.NoServer, Register("s1").Outcome);
        _registry.BeginClaim(a);

        var p1 = Register("s1");
        var p2 = Register("s1");
        var p3 = Register("s1");

        Assert.Equal(PhoneRegistrationOutcome.Registered, p1.Outcome);
        Assert.Equal(PhoneRegistrationOutcome.Registered, p2.Outcome);
        Assert.Equal(PhoneRegistrationOutcome.AtCap, p3.Outcome);
        Assert.NotEqual(p1.Phone!.Key, p2.Phone!.Key);
        Assert.Same(a, p1.Phone.Bound);
        Assert.Equal(2, _registry.ConnectedPhones);
        Assert.Equal(PhoneRegistrationOutcome.NoServer, Register("s2").Outcome);
    }

    [Fact]
    public void A_drawn_conn_id_key_that_collides_with_a_registered_phone_is_redrawn()
    {
        _registry.BeginClaim(new FakeBinary("s1"));

        var p1 = Register("s1"); // draws 7
        var p2 = Register("s1"); // draws 7 (taken by p1), then 9

        Assert.Equal(7UL, p1.Phone!.Key);
        Assert.Equal(9UL, p2.Phone!.Key);
        Assert.Equal(3, _keys.Draws);
    }

    [Fact]
    public void Unregister_frees_a_cap_slot_once()
    {
        _registry.BeginClaim(new FakeBinary("s1"));
        var p1 = Register("s1");
        Register("s1");

        Assert.True(_registry.Unregister(p1.Phone!, p1.Slot!));
        Assert.False(_registry.Unregister(p1.Phone!, p1.Slot!));
        Assert.Equal(1, _registry.ConnectedPhones);
        Assert.Equal(PhoneRegistrationOutcome.Registered, Register("s1").Outcome);
    }

    [Fact]
    public void Shutdown_refuses_claims_and_registrations()
    {
        var a = new FakeBinary("s1");
        _registry.BeginClaim(a);
        var b = new FakeBinary("s1");
        _registry.BeginClaim(b);

        _registry.BeginShutdown();

        Assert.True(_registry.IsShuttingDown);
        Assert.Equal(ClaimOutcome.ShuttingDown, _registry.BeginClaim(new FakeBinary("s2")).Outcome);
        Assert.Equal(ClaimOutcome.ShuttingDown, _registry.ResolveProbe(b, a, pongReceived: false).Outcome);
        Assert.Equal(PhoneRegistrationOutcome.ShuttingDown, Register("s1").Outcome);
    }
}
