using System.Security.Cryptography;

namespace PyrycodeRelay.Registry;

/// <summary>Binary claims: claim, reclaim, the conflict probe and takeover (docs/protocol.md#binary-claim, docs/protocol.md#conflict-probe-and-takeover).</summary>
internal sealed partial class ServerRegistry<TBinary, TPhone>
{
    /// <inheritdoc />
    public ValueTask<ClaimDecision<TBinary, TPhone>> ClaimAsync(TBinary claimant)
    {
        ArgumentNullException.ThrowIfNull(claimant);
        var incumbent = BeginClaim(claimant, out var decision, out var cut);
        ReportCutShort(cut);
        return incumbent is null ? new(decision) : ProbeThenResolveAsync(claimant, incumbent);
    }

    /// <summary>Decides at once, or returns the live incumbent to probe first.</summary>
    private TBinary? BeginClaim(TBinary claimant, out ClaimDecision<TBinary, TPhone> decision, out EndedGrace cut)
    {
        cut = default;
        lock (_gate)
        {
            if (_shuttingDown)
            {
                decision = new(ClaimOutcome.ShuttingDown);
                return null;
            }

            if (!_slots.TryGetValue(claimant.ServerId, out var slot))
            {
                decision = Claim(claimant, ref cut);
                return null;
            }

            if (KeyRefuses(slot, claimant))
            {
                decision = new(ClaimOutcome.KeyMismatch);
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
        EndedGrace cut = default;
        var decision = ResolveProbe(claimant, incumbent, pong, ref cut);
        ReportCutShort(cut);
        return decision;
    }

    /// <summary>A Pong in time refuses the claimant; otherwise the server-id is re-examined (takeover, reclaim, claim or conflict).</summary>
    private ClaimDecision<TBinary, TPhone> ResolveProbe(TBinary claimant, TBinary incumbent, bool pongReceived, ref EndedGrace cut)
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
                return Claim(claimant, ref cut);
            }

            if (KeyRefuses(slot, claimant))
            {
                return new(ClaimOutcome.KeyMismatch); // another claimant won with a key meanwhile
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
            slot.KeyHash ??= claimant.ServerKeyHash;
            _phones -= evicted.Count;
            return new(ClaimOutcome.TakenOver, slot, incumbent, evicted, incumbent);
        }
    }

    /// <summary>A new server-id; at <c>--max-server-ids</c> the oldest grace ends first, or the claim is refused when none is gracing.</summary>
    private ClaimDecision<TBinary, TPhone> Claim(TBinary claimant, ref EndedGrace cut)
    {
        if (_slots.Count >= _maxServerIds)
        {
            var oldest = _gracingOrder.First;
            if (oldest is null)
            {
                return new(ClaimOutcome.AtCapacity);
            }

            cut = EndGrace(oldest.Value);
        }

        var slot = new ServerSlot<TBinary, TPhone>(claimant.ServerId, claimant, ++_lastEpoch) { KeyHash = claimant.ServerKeyHash };
        _slots.Add(claimant.ServerId, slot);
        _liveBinaries++;
        return new(ClaimOutcome.Claimed, slot);
    }

    private ClaimDecision<TBinary, TPhone> Reclaim(ServerSlot<TBinary, TPhone> slot, TBinary claimant)
    {
        slot.GraceTimer?.Dispose();
        slot.GraceTimer = null;
        UntrackGrace(slot);
        var previous = slot.Holder;
        var evicted = slot.Rebind(claimant, ++_lastEpoch);
        slot.KeyHash ??= claimant.ServerKeyHash;
        _phones -= evicted.Count;
        _liveBinaries++;
        return new(ClaimOutcome.Reclaimed, slot, Evicted: evicted, Previous: previous);
    }

    /// <summary>
    /// Whether the server key held for <paramref name="slot"/> refuses <paramref name="claimant"/>: a slot claimed with a
    /// key accepts only a claimant presenting the same key (fixed-time comparison of the hashes); a slot without a key
    /// accepts anyone, as before server keys existed.
    /// </summary>
    private static bool KeyRefuses(ServerSlot<TBinary, TPhone> slot, TBinary claimant) =>
        slot.KeyHash is { } held
        && !(claimant.ServerKeyHash is { } offered && CryptographicOperations.FixedTimeEquals(held, offered));
}
