namespace PyrycodeRelay.Forwarding;

/// <summary>Result of appending to a phone's outbox.</summary>
internal enum EnqueueStatus
{
    /// <summary>Queued (or already being written).</summary>
    Queued,

    /// <summary>Refused: the phone's own budget would be exceeded; the phone is being closed.</summary>
    PhoneBacklogFull,

    /// <summary>Refused: the relay-wide budget would be exceeded; the phone is being closed.</summary>
    RelayBudgetExhausted,

    /// <summary>Refused: the outbox no longer accepts items (directive accepted, overflowed, or phone closing).</summary>
    Closed,
}
