namespace PyrycodeRelay.Registry;

/// <summary>
/// This node's state of one server-id: the claim in force (holder connection, epoch, live or gracing) and the
/// phones registered here. It answers the per-frame questions — may a phone still send (<see cref="StateOf"/>),
/// which phone has a conn_id (<see cref="Find"/>) — synchronously, without I/O and without the registry-wide lock.
/// Only the registry changes it, under its own lock.
/// </summary>
/// <remarks>
/// The phones are guarded by the dictionary's monitor (no separate lock object per server-id: idle heap). A
/// claim change (<see cref="Rebind"/>) and the phone set change together under that monitor, so every phone in
/// the set is bound to the claim in force.
/// </remarks>
internal sealed class ServerSlot<TBinary, TPhone>
    where TBinary : class
    where TPhone : class
{
    private readonly Dictionary<ulong, TPhone> _phones = [];
    private volatile TBinary _holder;
    private long _epoch;
    private volatile bool _gracing;
    private volatile bool _removed;

    internal ServerSlot(string serverId, TBinary holder, long epoch)
    {
        ServerId = serverId;
        _holder = holder;
        _epoch = epoch;
    }

    /// <summary>The server-id.</summary>
    public string ServerId { get; }

    /// <summary>The holder connection of the claim in force (live or gracing).</summary>
    public TBinary Holder => _holder;

    /// <summary>The epoch of the claim in force; every claim, reclaim and takeover starts a higher one.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Whether the holder's connection has ended and the grace period runs.</summary>
    public bool Gracing { get => _gracing; internal set => _gracing = value; }

    /// <summary>Whether the slot has left the registry (its grace expired).</summary>
    public bool Removed { get => _removed; internal set => _removed = value; }

    internal ITimer? GraceTimer { get; set; }

    private object? _attachment;

    /// <summary>
    /// Per-server-id state that the sessions keep with the slot (its outbox budget), created by <paramref name="create"/>
    /// on first use; every caller gets the same instance.
    /// </summary>
    public T Attachment<T>(Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        if (Volatile.Read(ref _attachment) is T existing)
        {
            return existing;
        }

        var made = create();
        return (T)(Interlocked.CompareExchange(ref _attachment, made, null) ?? made);
    }

    /// <summary>The server key hash held for the slot's life (grace included), from the first claim that offered one.</summary>
    internal byte[]? KeyHash { get; set; }

    /// <summary>The slot's place in the registry's oldest-grace-first list while it is gracing.</summary>
    internal LinkedListNode<ServerSlot<TBinary, TPhone>>? GracingNode { get; set; }

    internal int PhoneCount
    {
        get
        {
            lock (_phones)
            {
                return _phones.Count;
            }
        }
    }

    /// <summary>
    /// Where the claim of <paramref name="epoch"/> stands. Lock-free (it is asked once per phone frame): the fields
    /// are volatile and the epoch is written before the flags. A stale answer can at worst send one frame to the
    /// bound holder as it closes, where the write fails; a frame never goes to any other connection.
    /// </summary>
    public BindingState StateOf(long epoch)
    {
        if (_removed || Volatile.Read(ref _epoch) != epoch)
        {
            return BindingState.NotHolder;
        }

        return _gracing ? BindingState.Gracing : BindingState.Live;
    }

    /// <summary>Finds the phone with conn_id key <paramref name="key"/> if <paramref name="reader"/> holds the claim in force.</summary>
    public TPhone? Find(TBinary reader, ulong key)
    {
        lock (_phones)
        {
            return ReferenceEquals(_holder, reader) && _phones.TryGetValue(key, out var phone) ? phone : null;
        }
    }

    internal bool ContainsKey(ulong key)
    {
        lock (_phones)
        {
            return _phones.ContainsKey(key);
        }
    }

    internal void Add(ulong key, TPhone phone)
    {
        lock (_phones)
        {
            _phones.Add(key, phone);
        }
    }

    internal bool Remove(ulong key, TPhone phone)
    {
        lock (_phones)
        {
            return _phones.TryGetValue(key, out var current) && ReferenceEquals(current, phone) && _phones.Remove(key);
        }
    }

    /// <summary>Puts a new claim in force (reclaim, takeover) and removes the old claim's phones, returned for eviction.</summary>
    internal List<TPhone> Rebind(TBinary holder, long epoch)
    {
        lock (_phones)
        {
            Volatile.Write(ref _epoch, epoch);
            _holder = holder;
            _gracing = false;
            return TakeAll();
        }
    }

    /// <summary>A copy of the phones registered here.</summary>
    internal List<TPhone> Snapshot()
    {
        lock (_phones)
        {
            return [.. _phones.Values];
        }
    }

    internal List<TPhone> RemoveAll()
    {
        lock (_phones)
        {
            return TakeAll();
        }
    }

    private List<TPhone> TakeAll()
    {
        var all = new List<TPhone>(_phones.Values);
        _phones.Clear();
        return all;
    }
}
