namespace PyrycodeRelay.Forwarding;

/// <summary>
/// One server-id's share of the outbox memory (docs/operations.md#abuse-limits-per-session): the budget all its phones
/// charge together (<c>--server-outbox-bytes</c>) and the phones themselves, for fair-share shedding. Created on first
/// use and kept with the server-id's registry slot; the phone set is guarded by <see cref="FairShareShedder"/>.
/// </summary>
internal sealed class TenantOutbox(long limit)
{
    /// <summary>The server-id's budget: the sum of its phones' charges.</summary>
    public OutboxBudget Budget { get; } = new(limit);

    /// <summary>Its registered phones (guarded by the shedder's lock).</summary>
    internal HashSet<PhoneSession> Phones { get; } = [];
}
