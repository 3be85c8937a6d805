namespace PyrycodeRelay.Registry;

/// <summary>
/// Registry state of one server-id: its holder connection (live or gracing) and its phones. Phones are
/// guarded by the slot's own lock so that routing lookups never take the registry-wide lock.
/// </summary>
public sealed class ServerSlot
{
    private readonly Dictionary<ulong, IRegisteredPhone> _phones = [];

    internal ServerSlot(string serverId, IRegisteredBinary holder)
    {
        ServerId = serverId;
        _holder = holder;
    }

    /// <summary>The server-id.</summary>
    public string ServerId { get; }

    private volatile IRegisteredBinary _holder;
    private volatile bool _gracing;
    private volatile bool _removed;

    /// <summary>The holder connection (live or gracing). Written under the registry lock, read lock-free.</summary>
    public IRegisteredBinary Holder { get => _holder; internal set => _holder = value; }

    /// <summary>Whether the holder's connection has ended and the grace period runs.</summary>
    public bool Gracing { get => _gracing; internal set => _gracing = value; }

    /// <summary>Whether the slot has left the registry (its grace expired).</summary>
    public bool Removed { get => _removed; internal set => _removed = value; }

    internal Lock Gate { get; } = new();

    internal int GraceEpoch { get; set; }

    internal ITimer? GraceTimer { get; set; }

    internal int PhoneCount
    {
        get
        {
            lock (Gate)
            {
                return _phones.Count;
            }
        }
    }

    /// <summary>Finds a phone of this server-id bound to <paramref name="binary"/> by its conn_id key.</summary>
    public IRegisteredPhone? Find(IRegisteredBinary binary, ulong key)
    {
        lock (Gate)
        {
            return _phones.TryGetValue(key, out var phone) && ReferenceEquals(phone.Bound, binary) ? phone : null;
        }
    }

    internal bool ContainsKey(ulong key)
    {
        lock (Gate)
        {
            return _phones.ContainsKey(key);
        }
    }

    internal void Add(IRegisteredPhone phone)
    {
        lock (Gate)
        {
            _phones.Add(phone.Key, phone);
        }
    }

    internal bool Remove(IRegisteredPhone phone)
    {
        lock (Gate)
        {
            return _phones.TryGetValue(phone.Key, out var current) && ReferenceEquals(current, phone) && _phones.Remove(phone.Key);
        }
    }

    internal List<IRegisteredPhone> RemoveAll()
    {
        lock (Gate)
        {
            var all = new List<IRegisteredPhone>(_phones.Values);
            _phones.Clear();
            return all;
        }
    }
}
