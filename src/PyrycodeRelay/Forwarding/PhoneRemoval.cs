namespace PyrycodeRelay.Forwarding;

/// <summary>Why the relay itself ended a phone (docs/protocol.md#end-of-a-phone-connection last paragraph, #heartbeat).</summary>
internal enum PhoneRemoval
{
    /// <summary>Not removed by a relay event.</summary>
    None,

    /// <summary>Evicted by a reclaim or takeover (4404).</summary>
    Reclaimed,

    /// <summary>Grace expired (1000).</summary>
    GraceExpired,

    /// <summary>Graceful shutdown (1001).</summary>
    Shutdown,

    /// <summary>Heartbeat timeout (1011); the phone is still removed by its own teardown.</summary>
    HeartbeatTimeout,

    /// <summary>Outbox overflow (1011 <c>phone backlog full</c>).</summary>
    BacklogFull,

    /// <summary>A close directive was carried out.</summary>
    Directive,

    /// <summary>A write to the phone failed.</summary>
    WriteFailed,

    /// <summary>No frame within <c>--phone-first-frame-timeout</c> (1000); no close notice (the binary never saw its conn_id).</summary>
    FirstFrameTimeout,
}
