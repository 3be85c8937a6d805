namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>The class of a binary → relay envelope (docs/protocol.md#envelope-classification), in evaluation order.</summary>
internal enum EnvelopeKind
{
    /// <summary>Row 1: not valid JSON, not an object, or a known field of the wrong type. Drop.</summary>
    Malformed = 0,

    /// <summary>Row 2: no conn_id and a <c>push_wake</c> value (docs/protocol.md#push-wake-requests).</summary>
    WakeRequest = 1,

    /// <summary>Row 3: no conn_id (absent, <c>null</c> or <c>""</c>). Drop.</summary>
    MissingConnId = 2,

    /// <summary>Row 4: no close_code and no frame. Drop.</summary>
    MissingFrame = 3,

    /// <summary>Row 5: a frame for one phone; route it.</summary>
    Data = 4,

    /// <summary>Row 6: a close directive (non-zero close_code, optional frame); route it, then docs/protocol.md#close-directives.</summary>
    CloseDirective = 5,
}
