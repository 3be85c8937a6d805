namespace PyrycodeRelay.Forwarding;

/// <summary>
/// When the relay-wide outbox budget is short, sheds the server-id above its fair share instead of the recipient
/// (docs/operations.md#abuse-limits-per-session). The fair share is the relay-wide budget divided by the number of
/// server-ids that have something queued (the requester included). If the requesting server-id is within its share
/// and another one is above it, that one's phone with the largest backlog is closed <c>1011 phone backlog full</c>
/// (its queue released at once), until the frame fits or nobody is above the share. The rare shortfall path takes
/// one lock; the frame path never does.
/// </summary>
internal sealed class FairShareShedder(OutboxBudget relay)
{
    /// <summary>At most this many phones are shed for one frame.</summary>
    public const int MaxShedsPerShortfall = 16;

    private readonly Lock _gate = new();
    private readonly HashSet<TenantOutbox> _tenants = [];

    /// <summary>A phone of <paramref name="tenant"/> registered.</summary>
    public void Add(TenantOutbox tenant, PhoneSession phone)
    {
        lock (_gate)
        {
            tenant.Phones.Add(phone);
            _tenants.Add(tenant);
        }
    }

    /// <summary>A phone of <paramref name="tenant"/> ended.</summary>
    public void Remove(TenantOutbox tenant, PhoneSession phone)
    {
        lock (_gate)
        {
            if (tenant.Phones.Remove(phone) && tenant.Phones.Count == 0)
            {
                _tenants.Remove(tenant);
            }
        }
    }

    /// <summary>Makes room for <paramref name="cost"/> bytes of <paramref name="requester"/>'s; returns how many phones were shed.</summary>
    public int ShedFor(TenantOutbox requester, long cost)
    {
        var shed = 0;
        lock (_gate)
        {
            while (shed < MaxShedsPerShortfall && relay.Limit - relay.Charged < cost)
            {
                var active = 0;
                TenantOutbox? heaviest = null;
                foreach (var tenant in _tenants)
                {
                    var charged = tenant.Budget.Charged;
                    if (charged > 0 || ReferenceEquals(tenant, requester))
                    {
                        active++;
                    }

                    if (heaviest is null || charged > heaviest.Budget.Charged)
                    {
                        heaviest = tenant;
                    }
                }

                var fair = relay.Limit / Math.Max(1, active);
                if (heaviest is null || ReferenceEquals(heaviest, requester)
                    || requester.Budget.Charged + cost > fair || heaviest.Budget.Charged <= fair)
                {
                    break; // the requester is the heavy one (it is shed as before), or nobody is above the share
                }

                PhoneSession? victim = null;
                long most = 0;
                foreach (var phone in heaviest.Phones)
                {
                    var charged = phone.OutboxCharged;
                    if (charged > most)
                    {
                        (victim, most) = (phone, charged);
                    }
                }

                if (victim is null || !victim.ShedForFairShare())
                {
                    break;
                }

                shed++;
            }
        }

        return shed;
    }
}
