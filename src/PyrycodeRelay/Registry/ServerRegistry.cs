namespace PyrycodeRelay.Registry;

/// <summary>
/// The in-memory routing state (protocol.md §5): server-id → holder (1:1, live or gracing) and phones
/// (1:N, capped). It decides; callers act on the wire. All registry state lives in this process, which is
/// why the relay refuses multi-instance deploys (docs/architecture.md).
/// </summary>
public sealed partial class ServerRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServerSlot> _slots = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _gracePeriod;
    private readonly int _phonesPerServer;
    private readonly Func<ulong> _drawConnIdKey;
    private int _liveBinaries;
    private int _phones;
    private bool _shuttingDown;

    /// <summary>Creates an empty registry.</summary>
    /// <param name="time">Clock for the grace timers.</param>
    /// <param name="gracePeriod"><c>--grace-period</c>.</param>
    /// <param name="phonesPerServer"><c>--phones-per-server</c>.</param>
    /// <param name="drawConnIdKey">
    /// Draws the 64 random bits of a new conn_id (the relay passes the CSPRNG; tests a fixed sequence). The
    /// registry redraws while the value collides with a phone registered under the same server-id.
    /// </param>
    public ServerRegistry(TimeProvider time, TimeSpan gracePeriod, int phonesPerServer, Func<ulong> drawConnIdKey)
    {
        ArgumentNullException.ThrowIfNull(drawConnIdKey);
        _time = time;
        _gracePeriod = gracePeriod;
        _phonesPerServer = phonesPerServer;
        _drawConnIdKey = drawConnIdKey;
    }

    /// <summary>
    /// Called (outside the registry lock) when a grace period frees its server-id, with the phones it
    /// removed; the owner closes them 1000, counts the expiry and logs it.
    /// </summary>
    public Action<string, IReadOnlyList<IRegisteredPhone>>? GraceExpired { get; set; }

    /// <summary>Holders that are live (a gracing binary is not counted).</summary>
    public int ConnectedBinaries => Volatile.Read(ref _liveBinaries);

    /// <summary>Registered phones over all server-ids, including phones of gracing binaries.</summary>
    public int ConnectedPhones => Volatile.Read(ref _phones);

    /// <summary>Whether shutdown has begun.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>
    /// Where <paramref name="phone"/>'s bound connection stands. Lock-free (it is asked once per phone
    /// frame): the slot's fields are volatile and only ever change under the registry lock. A stale answer
    /// can at worst send one frame to the bound connection as it closes, where the write fails; a frame
    /// never goes to any other connection.
    /// </summary>
    public static BindingState StateOf(IRegisteredPhone phone, ServerSlot slot)
    {
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentNullException.ThrowIfNull(slot);
        if (slot.Removed || !ReferenceEquals(slot.Holder, phone.Bound))
        {
            return BindingState.NotHolder;
        }

        return slot.Gracing ? BindingState.Gracing : BindingState.Live;
    }

    /// <summary>Whether <paramref name="binary"/> is the live holder of its server-id.</summary>
    public bool IsLiveHolder(IRegisteredBinary binary)
    {
        lock (_gate)
        {
            return _slots.TryGetValue(binary.ServerId, out var slot) && ReferenceEquals(slot.Holder, binary) && !slot.Gracing;
        }
    }

    /// <summary>
    /// Begins shutdown: later claims and registrations are refused, and grace periods are abandoned
    /// (no expiry processing, no counter increments).
    /// </summary>
    public void BeginShutdown()
    {
        lock (_gate)
        {
            _shuttingDown = true;
            foreach (var slot in _slots.Values)
            {
                slot.GraceTimer?.Dispose();
                slot.GraceTimer = null;
                slot.GraceEpoch++;
            }
        }
    }
}
