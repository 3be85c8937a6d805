namespace PyrycodeRelay.Forwarding;

/// <summary>Why an upgraded connection ended (label <c>cause</c> of connection_closes_total).</summary>
internal enum CloseCause
{
    /// <summary>The peer sent a close frame.</summary>
    PeerClosed,

    /// <summary>The TCP connection ended without a close frame (reset, EOF, read error).</summary>
    PeerGone,

    /// <summary>No Pong in time (also a displaced takeover incumbent).</summary>
    HeartbeatTimeout,

    /// <summary>Inbound message above <c>--max-message-bytes</c>.</summary>
    TooBig,

    /// <summary>Per-message read deadline expired.</summary>
    ReadTimeout,

    /// <summary>An outbound write failed or timed out.</summary>
    WriteFailed,

    /// <summary>Phone outbox overflow.</summary>
    BacklogFull,

    /// <summary>Phone closed by a binary's close directive.</summary>
    Directive,

    /// <summary>Phone evicted by a reclaim or takeover.</summary>
    Reclaimed,

    /// <summary>Phone closed by a grace expiry.</summary>
    GraceExpired,

    /// <summary>Graceful shutdown.</summary>
    Shutdown,

    /// <summary>Rejected by the registry after the upgrade (4404, 4409, 4429).</summary>
    Rejected,

    /// <summary>Phone sent invalid JSON.</summary>
    InvalidFrame,

    /// <summary>Phone's binary went away (frame could not be delivered).</summary>
    NoBinary,

    /// <summary>WebSocket protocol violation (1002/1007).</summary>
    ProtocolError,

    /// <summary>Phone sent no frame within <c>--phone-first-frame-timeout</c> (1000).</summary>
    FirstFrameTimeout,
}
