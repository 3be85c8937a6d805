namespace PyrycodeRelay.Observability.Metrics;

/// <summary>Which way a message travels (label <c>direction</c>).</summary>
public enum Direction
{
    /// <summary><c>phone_to_binary</c></summary>
    PhoneToBinary,

    /// <summary><c>binary_to_phone</c></summary>
    BinaryToPhone,
}

/// <summary>Upgrade endpoint (label <c>endpoint</c>); aliases count as their endpoint.</summary>
public enum RelayEndpoint
{
    /// <summary><c>server</c>: <c>/v1/server</c>, <c>/v2/server</c>.</summary>
    Server,

    /// <summary><c>client</c>: <c>/v1/client</c>, <c>/v2/client</c>.</summary>
    Client,
}

/// <summary>Terminal upgrade decision (label <c>outcome</c>, operations.md §16.3).</summary>
public enum UpgradeOutcome
{
    /// <summary><c>accept</c></summary>
    Accept,

    /// <summary><c>reject_headers</c></summary>
    RejectHeaders,

    /// <summary><c>reject_409</c></summary>
    Reject409,

    /// <summary><c>reject_404</c></summary>
    Reject404,

    /// <summary><c>reject_429</c></summary>
    Reject429,

    /// <summary><c>reject_rate_limit</c></summary>
    RejectRateLimit,
}

/// <summary>Why a received message was not delivered (label <c>reason</c> of frames_dropped_total).</summary>
public enum DropReason
{
    /// <summary>binary_to_phone: the envelope was malformed or lacked conn_id/frame.</summary>
    MalformedEnvelope,

    /// <summary>binary_to_phone: no phone with that conn_id on this server-id.</summary>
    UnknownConnId,

    /// <summary>binary_to_phone: the phone's outbox refused the item (budget, or closed).</summary>
    OutboxOverflow,

    /// <summary>binary_to_phone: queued but the write to the phone failed.</summary>
    PhoneWriteFailed,

    /// <summary>binary_to_phone: queued but the phone was closed first (left, evicted, heartbeat, shutdown).</summary>
    PhoneClosed,

    /// <summary>phone_to_binary: the phone frame was not valid JSON.</summary>
    InvalidJson,

    /// <summary>phone_to_binary: the phone's binary is gone (released, reclaimed, taken over, gracing).</summary>
    NoBinary,

    /// <summary>phone_to_binary: the write to the binary failed or timed out.</summary>
    BinaryWriteFailed,
}

/// <summary>Why an upgraded connection ended (label <c>cause</c> of connection_closes_total).</summary>
public enum CloseCause
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
}
