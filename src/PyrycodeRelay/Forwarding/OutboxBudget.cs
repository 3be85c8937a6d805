namespace PyrycodeRelay.Forwarding;

/// <summary>The relay-wide outbox budget (<c>--outbox-budget-bytes</c>): the sum of charges over all phones.</summary>
internal sealed class OutboxBudget(long limit)
{
    private long _charged;

    /// <summary>Current relay-wide charge (gauge <c>pyrycode_relay_outbox_queued_bytes</c>).</summary>
    public long Charged => Volatile.Read(ref _charged);

    /// <summary>The limit.</summary>
    public long Limit { get; } = limit;

    /// <summary>Charges <paramref name="cost"/> unless that would exceed the limit.</summary>
    public bool TryCharge(long cost)
    {
        var current = Volatile.Read(ref _charged);
        while (true)
        {
            if (current + cost > Limit)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _charged, current + cost, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    /// <summary>Releases <paramref name="cost"/>.</summary>
    public void Release(long cost) => Interlocked.Add(ref _charged, -cost);
}
