namespace PyrycodeRelay.Registry;

/// <summary>
/// The single-instance registry (docs/protocol.md#registry): server-id → claim (holder connection, epoch, live or gracing)
/// and phones (1:N, capped), in this process's memory — which is why the relay refuses multi-instance deploys
/// (docs/architecture.md). Every operation completes synchronously except a claim that must probe a live
/// incumbent. One lock guards structural changes; per-frame lookups go to the slots.
/// </summary>
internal sealed partial class ServerRegistry<TBinary, TPhone> : IServerRegistry<TBinary, TPhone>
    where TBinary : class, IRegistryBinary
    where TPhone : class, IRegistryPhone<TBinary, TPhone>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServerSlot<TBinary, TPhone>> _slots = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _gracePeriod;
    private readonly int _phonesPerServer;
    private readonly TimeSpan _probeTimeout;
    private readonly Func<ulong> _drawConnIdKey;
    private readonly Action<string, IReadOnlyList<TPhone>> _graceExpired;
    private long _lastEpoch;
    private int _liveBinaries;
    private int _phones;
    private bool _shuttingDown;

    /// <summary>Creates an empty registry.</summary>
    /// <param name="time">Clock for the grace timers.</param>
    /// <param name="gracePeriod"><c>--grace-period</c>.</param>
    /// <param name="phonesPerServer"><c>--phones-per-server</c>.</param>
    /// <param name="probeTimeout"><c>--conflict-probe-timeout</c>, passed to the incumbent's probe.</param>
    /// <param name="drawConnIdKey">
    /// Draws the 64 random bits of a new conn_id (the relay passes the CSPRNG; tests a fixed sequence). The
    /// registry redraws while the value collides with a phone registered under the same server-id.
    /// </param>
    /// <param name="graceExpired">
    /// Called (on the timer, outside the registry lock) when a grace period frees its server-id, with the phones it
    /// removed; the owner closes them 1000, counts the expiry and logs it.
    /// </param>
    public ServerRegistry(
        TimeProvider time,
        TimeSpan gracePeriod,
        int phonesPerServer,
        TimeSpan probeTimeout,
        Func<ulong> drawConnIdKey,
        Action<string, IReadOnlyList<TPhone>> graceExpired)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(drawConnIdKey);
        ArgumentNullException.ThrowIfNull(graceExpired);
        _time = time;
        _gracePeriod = gracePeriod;
        _phonesPerServer = phonesPerServer;
        _probeTimeout = probeTimeout;
        _drawConnIdKey = drawConnIdKey;
        _graceExpired = graceExpired;
    }

    /// <inheritdoc />
    public int ConnectedBinaries => Volatile.Read(ref _liveBinaries);

    /// <inheritdoc />
    public int ConnectedPhones => Volatile.Read(ref _phones);

    /// <inheritdoc />
    public void BeginShutdown()
    {
        lock (_gate)
        {
            _shuttingDown = true;
            foreach (var slot in _slots.Values)
            {
                slot.GraceTimer?.Dispose();
                slot.GraceTimer = null;
            }
        }
    }
}
