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

    /// <summary>Refused: the server-id's budget (all its phones, <c>--server-outbox-bytes</c>) would be exceeded; the phone is being closed.</summary>
    ServerBacklogFull,

    /// <summary>Nothing done: the relay-wide budget is short and the caller may shed first (only with <c>mayDefer</c>).</summary>
    RelayBudgetShort,
}
