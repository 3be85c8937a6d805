namespace PyrycodeRelay.Registry;

/// <summary>Result kinds of a binary claim (docs/protocol.md#binary-claim, #conflict-probe-and-takeover).</summary>
internal enum ClaimOutcome
{
    /// <summary>The server-id was free; the claimant is holder.</summary>
    Claimed,

    /// <summary>The server-id was gracing; the claimant is holder and the old phones are evicted (4404).</summary>
    Reclaimed,

    /// <summary>The live incumbent did not answer the probe; the claimant is holder, phones evicted, incumbent displaced.</summary>
    TakenOver,

    /// <summary>Refused: another connection holds the server-id (4409).</summary>
    Conflict,

    /// <summary>Refused: the server-id is held with a server key the claimant did not present (4409; no probe).</summary>
    KeyMismatch,

    /// <summary>Refused: shutdown has begun (1001).</summary>
    ShuttingDown,

    /// <summary>Refused: <c>--max-server-ids</c> server-ids are live and none is gracing (1013).</summary>
    AtCapacity,
}
