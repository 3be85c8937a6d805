namespace PyrycodeRelay.Forwarding;

/// <summary>Why a received message was not delivered (label <c>reason</c> of frames_dropped_total).</summary>
internal enum DropReason
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
