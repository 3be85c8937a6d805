namespace PyrycodeRelay.Registry;

/// <summary>Binary claims, the conflict-probe resolution, release into grace and expiry.</summary>
public sealed partial class ServerRegistry
{
    /// <summary>First step of a claim (docs/protocol.md#binary-claim).</summary>
    public ClaimDecision BeginClaim(IRegisteredBinary claimant)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return new ClaimDecision(ClaimOutcome.ShuttingDown);
            }

            if (!_slots.TryGetValue(claimant.ServerId, out var slot))
            {
                return Claim(claimant);
            }

            return slot.Gracing
                ? Reclaim(slot, claimant)
                : new ClaimDecision(ClaimOutcome.ProbeIncumbent, Incumbent: slot.Holder);
        }
    }

    /// <summary>
    /// Second step after probing <paramref name="incumbent"/> (docs/protocol.md#conflict-probe-and-takeover): a Pong in time refuses the
    /// claimant; otherwise the server-id is re-examined (takeover, reclaim, claim or conflict).
    /// </summary>
    public ClaimDecision ResolveProbe(IRegisteredBinary claimant, IRegisteredBinary incumbent, bool pongReceived)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return new ClaimDecision(ClaimOutcome.ShuttingDown);
            }

            if (pongReceived)
            {
                return new ClaimDecision(ClaimOutcome.Conflict);
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
                return new ClaimDecision(ClaimOutcome.Conflict); // another claimant won
            }

            var evicted = slot.RemoveAll();
            _phones -= evicted.Count;
            slot.Holder = claimant;
            return new ClaimDecision(ClaimOutcome.TakenOver, slot, incumbent, evicted);
        }
    }

    /// <summary>
    /// The connection of <paramref name="binary"/> ended. If it is still the live holder, grace starts and
    /// true is returned (log <c>server_released</c>); a displaced incumbent changes nothing, and during
    /// shutdown no grace starts (false).
    /// </summary>
    public bool Release(IRegisteredBinary binary)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(binary.ServerId, out var slot) || !ReferenceEquals(slot.Holder, binary) || slot.Gracing)
            {
                return false;
            }

            slot.Gracing = true;
            _liveBinaries--;
            if (_shuttingDown)
            {
                return false; // grace is abandoned at shutdown: no grace starts, nothing to log
            }

            var epoch = ++slot.GraceEpoch;
            slot.GraceTimer?.Dispose();
            slot.GraceTimer = _time.CreateTimer(
                static s =>
                {
                    var (registry, slot, epoch) = ((ServerRegistry, ServerSlot, int))s!;
                    registry.OnGraceElapsed(slot, epoch);
                },
                (this, slot, epoch),
                _gracePeriod,
                Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    private void OnGraceElapsed(ServerSlot slot, int epoch)
    {
        List<IRegisteredPhone> removed;
        lock (_gate)
        {
            if (_shuttingDown || !slot.Gracing || slot.GraceEpoch != epoch
                || !_slots.TryGetValue(slot.ServerId, out var current) || !ReferenceEquals(current, slot))
            {
                return; // reclaimed or taken over meanwhile: a late expiry has no effect
            }

            _slots.Remove(slot.ServerId);
            slot.Removed = true;
            slot.GraceTimer?.Dispose();
            slot.GraceTimer = null;
            removed = slot.RemoveAll();
            _phones -= removed.Count;
        }

        GraceExpired?.Invoke(slot.ServerId, removed);
    }

    private ClaimDecision Claim(IRegisteredBinary claimant)
    {
        var slot = new ServerSlot(claimant.ServerId, claimant);
        _slots.Add(claimant.ServerId, slot);
        _liveBinaries++;
        return new ClaimDecision(ClaimOutcome.Claimed, slot);
    }

    private ClaimDecision Reclaim(ServerSlot slot, IRegisteredBinary claimant)
    {
        slot.GraceTimer?.Dispose();
        slot.GraceTimer = null;
        slot.GraceEpoch++;
        slot.Holder = claimant;
        slot.Gracing = false;
        var evicted = slot.RemoveAll();
        _phones -= evicted.Count;
        _liveBinaries++;
        return new ClaimDecision(ClaimOutcome.Reclaimed, slot, Evicted: evicted);
    }
}
