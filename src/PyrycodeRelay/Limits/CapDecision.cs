namespace PyrycodeRelay.Limits;

/// <summary>The answer of <see cref="ConnectionCap.TryAcquire(Forwarding.RelayEndpoint, string, out ConnectionSlot?)"/>.</summary>
internal enum CapDecision
{
    /// <summary>A slot was taken.</summary>
    Admitted,

    /// <summary>The source already holds <c>--max-connections-per-source</c> slots (answer 429).</summary>
    SourceFull,

    /// <summary>The relay-wide cap, or the endpoint's share of it (the other endpoint's reserve excluded), is full (503).</summary>
    RelayFull,
}
