namespace PyrycodeRelay.Registry;

/// <summary>What the registry needs of a binary connection (the holder, or a claimant, of one server-id).</summary>
internal interface IRegistryBinary
{
    /// <summary>The server-id it claims.</summary>
    string ServerId { get; }

    /// <summary>
    /// The conflict probe (docs/protocol.md#conflict-probe-and-takeover): true when this connection answered a Ping within
    /// <paramref name="timeout"/>. The registry asks it of a live incumbent when another connection claims
    /// its server-id; it must not throw and must complete within about <paramref name="timeout"/>.
    /// </summary>
    Task<bool> ProbeAsync(TimeSpan timeout);
}
