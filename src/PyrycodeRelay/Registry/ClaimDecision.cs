namespace PyrycodeRelay.Registry;

/// <summary>What the registry decided for a claim, and what the caller must now do on the wire.</summary>
/// <param name="Outcome">The decision.</param>
/// <param name="Slot">The server-id's slot when the claimant became holder.</param>
/// <param name="Displaced">After <see cref="ClaimOutcome.TakenOver"/>: the incumbent, which the caller closes (1011).</param>
/// <param name="Evicted">Phones removed by a reclaim or takeover; the caller closes them 4404.</param>
/// <param name="Previous">After a reclaim or takeover: the connection that held the server-id before.</param>
internal readonly record struct ClaimDecision<TBinary, TPhone>(
    ClaimOutcome Outcome,
    ServerSlot<TBinary, TPhone>? Slot = null,
    TBinary? Displaced = null,
    IReadOnlyList<TPhone>? Evicted = null,
    TBinary? Previous = null)
    where TBinary : class
    where TPhone : class;
