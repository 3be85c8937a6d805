namespace PyrycodeRelay.Registry;

/// <summary>Release into grace and expiry (docs/protocol.md#grace-reclaim-and-expiry).</summary>
internal sealed partial class ServerRegistry<TBinary, TPhone>
{
    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(TBinary holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return new(Release(holder));
    }

    private bool Release(TBinary holder)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(holder.ServerId, out var slot) || !ReferenceEquals(slot.Holder, holder) || slot.Gracing)
            {
                return false;
            }

            slot.Gracing = true;
            _liveBinaries--;
            if (_shuttingDown)
            {
                return false; // grace is abandoned at shutdown: no grace starts, nothing to log
            }

            slot.GraceTimer?.Dispose();
            slot.GraceTimer = _time.CreateTimer(
                static s =>
                {
                    var (registry, slot, epoch) = ((ServerRegistry<TBinary, TPhone>, ServerSlot<TBinary, TPhone>, long))s!;
                    registry.OnGraceElapsed(slot, epoch);
                },
                (this, slot, slot.Epoch),
                _gracePeriod,
                Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    private void OnGraceElapsed(ServerSlot<TBinary, TPhone> slot, long epoch)
    {
        List<TPhone> removed;
        lock (_gate)
        {
            if (_shuttingDown || !slot.Gracing || slot.Epoch != epoch
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

        _graceExpired(slot.ServerId, removed);
    }
}
