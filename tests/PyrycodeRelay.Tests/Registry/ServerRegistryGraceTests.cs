using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Tests.Registry;

/// <summary>Release into grace, reclaim and expiry on a fake clock (protocol.md §5.3).</summary>
public sealed class ServerRegistryGraceTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly ServerRegistry _registry;
    private readonly List<(string ServerId, IReadOnlyList<IRegisteredPhone> Phones)> _expired = [];

    public ServerRegistryGraceTests()
    {
        _registry = new ServerRegistry(_time, Grace, phonesPerServer: 8, new FakeConnIdKeys().Draw);
        _registry.GraceExpired = (id, phones) => _expired.Add((id, phones));
    }

    private PhoneRegistration Register(string serverId) =>
        _registry.RegisterPhone(serverId, (key, bound) => new FakePhone(serverId, key, bound));

    [Fact]
    public void Release_starts_grace_during_which_phones_still_register()
    {
        var a = new FakeBinary("s1");
        _registry.BeginClaim(a);
        var phone = Register("s1");

        Assert.True(_registry.Release(a));

        Assert.Equal(0, _registry.ConnectedBinaries);
        Assert.False(_registry.IsLiveHolder(a));
        Assert.Equal(BindingState.Gracing, ServerRegistry.StateOf(phone.Phone!, phone.Slot!));
        Assert.Equal(PhoneRegistrationOutcome.Registered, Register("s1").Outcome);
        Assert.False(_registry.Release(a)); // a second end of the same connection changes nothing
    }

    [Fact]
    public void Expiry_at_the_grace_period_removes_the_server_id_and_hands_over_its_phones()
    {
        var a = new FakeBinary("s1");
        _registry.BeginClaim(a);
        var p1 = Register("s1");
        var p2 = Register("s1");
        _registry.Release(a);

        _time.Advance(Grace - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_expired);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var (id, phones) = Assert.Single(_expired);
        Assert.Equal("s1", id);
        Assert.Equal(2, phones.Count);
        Assert.Contains(p1.Phone!, phones);
        Assert.Contains(p2.Phone!, phones);
        Assert.Equal(0, _registry.ConnectedPhones);
        Assert.Equal(BindingState.NotHolder, ServerRegistry.StateOf(p1.Phone!, p1.Slot!));
        Assert.Equal(PhoneRegistrationOutcome.NoServer, Register("s1").Outcome);
        Assert.Equal(ClaimOutcome.Claimed, _registry.BeginClaim(new FakeBinary("s1")).Outcome);
    }

    [Fact]
    public void Reclaim_during_grace_evicts_the_old_phones_and_cancels_expiry()
    {
        var a = new FakeBinary("s1");
        var b = new FakeBinary("s1");
        _registry.BeginClaim(a);
        var old = Register("s1");
        _registry.Release(a);
        _time.Advance(TimeSpan.FromSeconds(10));

        var decision = _registry.BeginClaim(b);
        _time.Advance(Grace);

        Assert.Equal(ClaimOutcome.Reclaimed, decision.Outcome);
        Assert.Same(old.Phone, Assert.Single(decision.Evicted!));
        Assert.Empty(_expired);
        Assert.True(_registry.IsLiveHolder(b));
        Assert.Equal(1, _registry.ConnectedBinaries);
        Assert.Equal(0, _registry.ConnectedPhones);
        Assert.Equal(BindingState.NotHolder, ServerRegistry.StateOf(old.Phone!, old.Slot!));
    }

    [Fact]
    public void Second_grace_runs_its_full_length_not_the_rest_of_the_first()
    {
        var a = new FakeBinary("s1");
        var b = new FakeBinary("s1");
        _registry.BeginClaim(a);
        _registry.Release(a);
        _time.Advance(TimeSpan.FromSeconds(20));
        _registry.BeginClaim(b);
        _time.Advance(TimeSpan.FromSeconds(5));
        _registry.Release(b);

        _time.Advance(TimeSpan.FromSeconds(29)); // 54 s after the first release, 29 s into the second grace
        Assert.Empty(_expired);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("s1", Assert.Single(_expired).ServerId);
    }

    [Fact]
    public void Probe_resolved_while_the_incumbent_graces_is_a_reclaim()
    {
        var a = new FakeBinary("s1");
        var b = new FakeBinary("s1");
        _registry.BeginClaim(a);
        Assert.Equal(ClaimOutcome.ProbeIncumbent, _registry.BeginClaim(b).Outcome);
        _registry.Release(a); // the incumbent's connection ended while it was being probed

        Assert.Equal(ClaimOutcome.Reclaimed, _registry.ResolveProbe(b, a, pongReceived: false).Outcome);
        _time.Advance(Grace);
        Assert.Empty(_expired);
        Assert.True(_registry.IsLiveHolder(b));
    }

    [Fact]
    public void Shutdown_abandons_grace_no_expiry_follows()
    {
        var a = new FakeBinary("s1");
        var c = new FakeBinary("s2");
        _registry.BeginClaim(a);
        _registry.BeginClaim(c);
        Register("s1");
        _registry.Release(a);

        _registry.BeginShutdown();
        var releasedAtShutdown = _registry.Release(c);
        _time.Advance(Grace * 2);

        Assert.False(releasedAtShutdown);
        Assert.Empty(_expired);
        Assert.Equal(0, _registry.ConnectedBinaries);
    }
}
