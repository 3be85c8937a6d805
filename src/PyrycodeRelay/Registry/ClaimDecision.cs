namespace PyrycodeRelay.Registry;

/// <summary>What the registry decided for a claim, and what the caller must now do on the wire.</summary>
/// <param name="Outcome">The decision.</param>
/// <param name="Slot">The server-id's slot when the claimant became holder.</param>
/// <param name="Incumbent">The incumbent to probe (<see cref="ClaimOutcome.ProbeIncumbent"/>) or the displaced one (<see cref="ClaimOutcome.TakenOver"/>).</param>
/// <param name="Evicted">Phones removed by a reclaim or takeover; the caller closes them 4404.</param>
public readonly record struct ClaimDecision(
    ClaimOutcome Outcome,
    ServerSlot? Slot = null,
    IRegisteredBinary? Incumbent = null,
    IReadOnlyList<IRegisteredPhone>? Evicted = null);
