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

            UntrackGrace(slot);
            slot.GracingNode = _gracingOrder.AddLast(slot);

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
        EndedGrace ended;
        lock (_gate)
        {
            if (_shuttingDown || !slot.Gracing || slot.Epoch != epoch
                || !_slots.TryGetValue(slot.ServerId, out var current) || !ReferenceEquals(current, slot))
            {
                return; // reclaimed, taken over or cut short meanwhile: a late expiry has no effect
            }

            ended = EndGrace(slot);
        }

        _graceExpired(ended.ServerId!, ended.Phones!);
    }

    /// <summary>Removes a gracing server-id and its phones (under the lock); the caller hands them to the expiry handler.</summary>
    private EndedGrace EndGrace(ServerSlot<TBinary, TPhone> slot)
    {
        _slots.Remove(slot.ServerId);
        slot.Removed = true;
        slot.GraceTimer?.Dispose();
        slot.GraceTimer = null;
        UntrackGrace(slot);
        var removed = slot.RemoveAll();
        _phones -= removed.Count;
        return new EndedGrace(slot.ServerId, removed);
    }

    private void UntrackGrace(ServerSlot<TBinary, TPhone> slot)
    {
        if (slot.GracingNode is { } node)
        {
            _gracingOrder.Remove(node);
            slot.GracingNode = null;
        }
    }

    /// <summary>A grace cut short by <c>--max-server-ids</c> (outside the lock): reported, then handled like an expiry.</summary>
    private void ReportCutShort(EndedGrace cut)
    {
        if (cut.ServerId is null)
        {
            return;
        }

        _graceCutShort?.Invoke(cut.ServerId);
        _graceExpired(cut.ServerId, cut.Phones!);
    }

    /// <summary>A server-id whose grace ended and the phones it still had.</summary>
    private readonly record struct EndedGrace(string? ServerId, List<TPhone>? Phones);
}
