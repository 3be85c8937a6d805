using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Tests.Registry;

/// <summary>Issue 13 finding 11: live and gracing server-ids together are capped (<c>--max-server-ids</c>).</summary>
public sealed class ServerRegistryCapTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly ServerRegistry<FakeBinary, FakePhone> _registry;
    private readonly List<(string ServerId, IReadOnlyList<FakePhone> Phones)> _expired = [];
    private readonly List<string> _cutShort = [];

    public ServerRegistryCapTests() =>
        _registry = new ServerRegistry<FakeBinary, FakePhone>(
            _time, Grace, phonesPerServer: 8, TimeSpan.FromSeconds(10), new FakeConnIdKeys().Draw, (id, phones) => _expired.Add((id, phones)),
            maxServerIds: 3, graceCutShort: _cutShort.Add);

    [Fact]
    public async Task At_the_cap_a_new_claim_ends_the_oldest_grace_then_is_refused_when_all_are_live()
    {
        var a = new FakeBinary("a");
        var b = new FakeBinary("b");
        var c = new FakeBinary("c");
        await _registry.ClaimAsync(a);
        await _registry.ClaimAsync(b);
        await _registry.ClaimAsync(c);
        var phoneOfA = (await _registry.RegisterPhoneAsync("a", x => new FakePhone(x))).Phone!;
        await _registry.ReleaseAsync(b); // b graces first, then a
        _time.Advance(TimeSpan.FromSeconds(1));
        await _registry.ReleaseAsync(a);

        // d: b's grace (the oldest) ends early, handed over like an expiry.
        Assert.Equal(ClaimOutcome.Claimed, (await _registry.ClaimAsync(new FakeBinary("d"))).Outcome);
        Assert.Equal(["b"], _cutShort);
        Assert.Equal("b", Assert.Single(_expired).ServerId);
        Assert.Equal(3, _registry.ServerIds);

        // A reclaim of a gracing server-id needs no new slot and ends nobody's grace.
        Assert.Equal(ClaimOutcome.Reclaimed, (await _registry.ClaimAsync(new FakeBinary("a"))).Outcome);
        Assert.Single(_cutShort);
        Assert.Equal(BindingState.NotHolder, phoneOfA.Binding.State);

        // a, c, d live: nothing to end, the claim is refused and nothing changes.
        Assert.Equal(ClaimOutcome.AtCapacity, (await _registry.ClaimAsync(new FakeBinary("e"))).Outcome);
        Assert.Equal(3, _registry.ServerIds);
        Assert.Equal(3, _registry.ConnectedBinaries);

        // b's original grace timer firing later has no effect.
        _time.Advance(Grace);
        Assert.Single(_expired);
    }

    [Fact]
    public async Task Ended_grace_frees_its_place_in_the_order()
    {
        var a = new FakeBinary("a");
        var b = new FakeBinary("b");
        await _registry.ClaimAsync(a);
        await _registry.ClaimAsync(b);
        await _registry.ClaimAsync(new FakeBinary("c"));
        await _registry.ReleaseAsync(a);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _registry.ReleaseAsync(b);
        _time.Advance(Grace - TimeSpan.FromSeconds(1)); // a expires normally; b still graces

        Assert.Equal("a", Assert.Single(_expired).ServerId);
        Assert.Equal(ClaimOutcome.Claimed, (await _registry.ClaimAsync(new FakeBinary("d"))).Outcome); // a's place was free
        Assert.Empty(_cutShort);
        Assert.Equal(ClaimOutcome.Claimed, (await _registry.ClaimAsync(new FakeBinary("e"))).Outcome); // b is cut short now
        Assert.Equal(["b"], _cutShort);
    }
}
