using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Tests.Registry;

/// <summary>Release into grace, reclaim and expiry on a fake clock (docs/protocol.md#grace-reclaim-and-expiry).</summary>
public sealed class ServerRegistryGraceTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly ServerRegistry<FakeBinary, FakePhone> _registry;
    private readonly List<(string ServerId, IReadOnlyList<FakePhone> Phones)> _expired = [];

    public ServerRegistryGraceTests() =>
        _registry = new ServerRegistry<FakeBinary, FakePhone>(
            _time, Grace, phonesPerServer: 8, TimeSpan.FromSeconds(10), new FakeConnIdKeys().Draw, (id, phones) => _expired.Add((id, phones)));

    private async Task<FakePhone> Register(string serverId) =>
        (await _registry.RegisterPhoneAsync(serverId, binding => new FakePhone(binding))).Phone!;

    [Fact]
    public async Task Release_starts_grace_during_which_phones_still_register()
    {
        var a = new FakeBinary("s1");
        var slot = (await _registry.ClaimAsync(a)).Slot!;
        var phone = await Register("s1");

        Assert.True(await _registry.ReleaseAsync(a));

        Assert.Equal(0, _registry.ConnectedBinaries);
        Assert.True(slot.Gracing);
        Assert.Equal(BindingState.Gracing, phone.Binding.State);
        var late = await Register("s1");
        Assert.Equal(BindingState.Gracing, late.Binding.State);
        Assert.Same(a, late.Binding.Holder);
        Assert.False(await _registry.ReleaseAsync(a)); // a second end of the same connection changes nothing
    }

    [Fact]
    public async Task Expiry_at_the_grace_period_removes_the_server_id_and_hands_over_its_phones()
    {
        var a = new FakeBinary("s1");
        var slot = (await _registry.ClaimAsync(a)).Slot!;
        var p1 = await Register("s1");
        var p2 = await Register("s1");
        await _registry.ReleaseAsync(a);

        _time.Advance(Grace - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_expired);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var (id, phones) = Assert.Single(_expired);
        Assert.Equal("s1", id);
        Assert.Equal(2, phones.Count);
        Assert.Contains(p1, phones);
        Assert.Contains(p2, phones);
        Assert.True(slot.Removed);
        Assert.Equal(0, _registry.ConnectedPhones);
        Assert.Equal(BindingState.NotHolder, p1.Binding.State);
        Assert.Equal(PhoneRegistrationOutcome.NoServer, (await _registry.RegisterPhoneAsync("s1", b => new FakePhone(b))).Outcome);
        var next = await _registry.ClaimAsync(new FakeBinary("s1"));
        Assert.Equal(ClaimOutcome.Claimed, next.Outcome);
        Assert.True(next.Slot!.Epoch > slot.Epoch);
    }

    [Fact]
    public async Task Reclaim_during_grace_evicts_the_old_phones_and_cancels_expiry()
    {
        var a = new FakeBinary("s1");
        var b = new FakeBinary("s1");
        var slot = (await _registry.ClaimAsync(a)).Slot!;
        var epoch = slot.Epoch;
        var old = await Register("s1");
        await _registry.ReleaseAsync(a);
        _time.Advance(TimeSpan.FromSeconds(10));

        var decision = await _registry.ClaimAsync(b);
        _time.Advance(Grace);

        Assert.Equal(ClaimOutcome.Reclaimed, decision.Outcome);
        Assert.Same(old, Assert.Single(decision.Evicted!));
        Assert.Null(decision.Displaced);
        Assert.Empty(_expired);
        Assert.Same(b, slot.Holder);
        Assert.False(slot.Gracing);
        Assert.True(slot.Epoch > epoch);
        Assert.Empty(a.ProbeTimeouts); // a gracing holder is not probed
        Assert.Equal(1, _registry.ConnectedBinaries);
        Assert.Equal(0, _registry.ConnectedPhones);
        Assert.Equal(BindingState.NotHolder, old.Binding.State);
        Assert.Equal(BindingState.Live, (await Register("s1")).Binding.State);
    }

    [Fact]
    public async Task Second_grace_runs_its_full_length_not_the_rest_of_the_first()
    {
        var a = new FakeBinary("s1");
        var b = new FakeBinary("s1");
        await _registry.ClaimAsync(a);
        await _registry.ReleaseAsync(a);
        _time.Advance(TimeSpan.FromSeconds(20));
        await _registry.ClaimAsync(b);
        _time.Advance(TimeSpan.FromSeconds(5));
        await _registry.ReleaseAsync(b);

        _time.Advance(TimeSpan.FromSeconds(29)); // 54 s after the first release, 29 s into the second grace
        Assert.Empty(_expired);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("s1", Assert.Single(_expired).ServerId);
    }

    [Fact]
    public async Task Probe_resolved_while_the_incumbent_graces_is_a_reclaim()
    {
        var a = new FakeBinary("s1") { Pong = null };
        var b = new FakeBinary("s1");
        var slot = (await _registry.ClaimAsync(a)).Slot!;
        var claim = _registry.ClaimAsync(b);
        Assert.False(claim.IsCompleted);
        await _registry.ReleaseAsync(a); // the incumbent's connection ended while it was being probed

        a.AnswerProbe(false);

        Assert.Equal(ClaimOutcome.Reclaimed, (await claim).Outcome);
        _time.Advance(Grace);
        Assert.Empty(_expired);
        Assert.Same(b, slot.Holder);
        Assert.False(slot.Gracing);
    }

    [Fact]
    public async Task Shutdown_abandons_grace_no_expiry_follows()
    {
        var a = new FakeBinary("s1");
        var c = new FakeBinary("s2");
        await _registry.ClaimAsync(a);
        await _registry.ClaimAsync(c);
        await Register("s1");
        await _registry.ReleaseAsync(a);

        _registry.BeginShutdown();
        var releasedAtShutdown = await _registry.ReleaseAsync(c);
        _time.Advance(Grace * 2);

        Assert.False(releasedAtShutdown);
        Assert.Empty(_expired);
        Assert.Equal(0, _registry.ConnectedBinaries);
    }
}
