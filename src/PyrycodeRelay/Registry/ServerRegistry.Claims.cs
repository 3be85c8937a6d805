namespace PyrycodeRelay.Registry;

/// <summary>Binary claims: claim, reclaim, the conflict probe and takeover (docs/protocol.md#binary-claim, docs/protocol.md#conflict-probe-and-takeover).</summary>
internal sealed partial class ServerRegistry<TBinary, TPhone>
{
    /// <inheritdoc />
    public ValueTask<ClaimDecision<TBinary, TPhone>> ClaimAsync(TBinary claimant)
    {
        ArgumentNullException.ThrowIfNull(claimant);
        var incumbent = BeginClaim(claimant, out var decision);
        return incumbent is null ? new(decision) : ProbeThenResolveAsync(claimant, incumbent);
    }

    /// <summary>Decides at once, or returns the live incumbent to probe first.</summary>
    private TBinary? BeginClaim(TBinary claimant, out ClaimDecision<TBinary, TPhone> decision)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                decision = new(ClaimOutcome.ShuttingDown);
                return null;
            }

            if (!_slots.TryGetValue(claimant.ServerId, out var slot))
            {
                decision = Claim(claimant);
                return null;
            }

            if (slot.Gracing)
            {
                decision = Reclaim(slot, claimant);
                return null;
            }

            decision = default;
            return slot.Holder;
        }
    }

    // The claimant's messages stay unread (buffered) while the incumbent is probed, outside the lock.
    private async ValueTask<ClaimDecision<TBinary, TPhone>> ProbeThenResolveAsync(TBinary claimant, TBinary incumbent)
    {
        var pong = await incumbent.ProbeAsync(_probeTimeout);
        return ResolveProbe(claimant, incumbent, pong);
    }

    /// <summary>A Pong in time refuses the claimant; otherwise the server-id is re-examined (takeover, reclaim, claim or conflict).</summary>
    private ClaimDecision<TBinary, TPhone> ResolveProbe(TBinary claimant, TBinary incumbent, bool pongReceived)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return new(ClaimOutcome.ShuttingDown);
            }

            if (pongReceived)
            {
                return new(ClaimOutcome.Conflict);
            }

            if (!_slots.TryGetValue(claimant.ServerId, out var slot))
            {
                return Claim(claimant);
            }

            if (slot.Gracing)
            {
                return Reclaim(slot, claimant);
            }

            if (!ReferenceEquals(slot.Holder, incumbent))
            {
                return new(ClaimOutcome.Conflict); // another claimant won
            }

            var evicted = slot.Rebind(claimant, ++_lastEpoch);
            _phones -= evicted.Count;
            return new(ClaimOutcome.TakenOver, slot, incumbent, evicted);
        }
    }

    private ClaimDecision<TBinary, TPhone> Claim(TBinary claimant)
    {
        var slot = new ServerSlot<TBinary, TPhone>(claimant.ServerId, claimant, ++_lastEpoch);
        _slots.Add(claimant.ServerId, slot);
        _liveBinaries++;
        return new(ClaimOutcome.Claimed, slot);
    }

    private ClaimDecision<TBinary, TPhone> Reclaim(ServerSlot<TBinary, TPhone> slot, TBinary claimant)
    {
        slot.GraceTimer?.Dispose();
        slot.GraceTimer = null;
        var evicted = slot.Rebind(claimant, ++_lastEpoch);
        _phones -= evicted.Count;
        _liveBinaries++;
        return new(ClaimOutcome.Reclaimed, slot, Evicted: evicted);
    }
}
