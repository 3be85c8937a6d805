namespace PyrycodeRelay.Registry;

/// <summary>
/// The registry contract (docs/protocol.md#registry; docs/architecture.md "Registry contract"): who holds each
/// server-id, its epoch, live or gracing, and its phones. It decides; the sessions act on the wire and do not
/// know which implementation they talk to. Operations that change ownership may need a round trip to shared
/// state and so return <see cref="ValueTask"/>; the in-memory <see cref="ServerRegistry{TBinary, TPhone}"/>
/// completes them synchronously, without allocating. The per-frame questions are not asked here but of the
/// node-local <see cref="ServerSlot{TBinary, TPhone}"/> (synchronous, no I/O, no registry-wide lock).
/// </summary>
/// <typeparam name="TBinary">The binary connection type.</typeparam>
/// <typeparam name="TPhone">The phone connection type.</typeparam>
internal interface IServerRegistry<TBinary, TPhone> : IRegistryCounts
    where TBinary : class, IRegistryBinary
    where TPhone : class, IRegistryPhone<TBinary, TPhone>
{
    /// <summary>
    /// Claims <paramref name="claimant"/>'s server-id (docs/protocol.md#binary-claim, docs/protocol.md#conflict-probe-and-takeover): free → claimed, gracing → reclaimed,
    /// live → the incumbent is probed (<see cref="IRegistryBinary.ProbeAsync"/>, <c>--conflict-probe-timeout</c>)
    /// and a Pong refuses the claimant (conflict) while silence lets it take over. Every successful outcome
    /// starts a new epoch.
    /// </summary>
    ValueTask<ClaimDecision<TBinary, TPhone>> ClaimAsync(TBinary claimant);

    /// <summary>
    /// <paramref name="holder"/>'s connection ended. If it was the live holder its grace period starts and true
    /// is returned (log <c>server_released</c>); a displaced or already released connection changes nothing, and
    /// during shutdown no grace starts (false). At the end of the grace period the registry removes the server-id
    /// and hands its phones to the grace-expiry handler it was built with.
    /// </summary>
    ValueTask<bool> ReleaseAsync(TBinary holder);

    /// <summary>
    /// Registers a phone for <paramref name="serverId"/> (docs/protocol.md#phone-registration): refused when no claim exists (live or
    /// gracing) or at <c>--phones-per-server</c>; otherwise a conn_id key unique within the server-id is drawn and
    /// <paramref name="create"/> builds the phone from its binding (called once, only on success).
    /// </summary>
    ValueTask<PhoneRegistration<TPhone>> RegisterPhoneAsync(string serverId, Func<PhoneBinding<TBinary, TPhone>, TPhone> create);

    /// <summary>Removes a phone if it is still registered (idempotent); returns whether it was.</summary>
    ValueTask<bool> UnregisterAsync(TPhone phone);

    /// <summary>
    /// Begins this node's shutdown: later claims and registrations are refused (1001). Synchronous and without I/O.
    /// The in-memory registry also abandons its grace periods (no expiry follows).
    /// </summary>
    void BeginShutdown();
}
