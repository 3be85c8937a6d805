namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>
/// One classified binary → relay envelope (docs/protocol.md#envelope-fields, #envelope-classification), produced by <see cref="EnvelopeParser.Parse"/>.
/// Every span points into the parsed message or into the caller's conn_id scratch buffer; none is copied.
/// </summary>
internal readonly ref struct BinaryEnvelope
{
    internal BinaryEnvelope(
        EnvelopeKind kind,
        ReadOnlySpan<byte> connId,
        bool connIdMatchable,
        ReadOnlySpan<byte> connIdJson,
        ReadOnlySpan<byte> frame,
        int closeCode,
        ReadOnlySpan<byte> pushWake)
    {
        Kind = kind;
        ConnId = connId;
        ConnIdMatchable = connIdMatchable;
        ConnIdJson = connIdJson;
        Frame = frame;
        CloseCode = closeCode;
        PushWake = pushWake;
    }

    /// <summary>The class (docs/protocol.md#envelope-classification).</summary>
    public EnvelopeKind Kind { get; }

    /// <summary>
    /// For <see cref="EnvelopeKind.Data"/> and <see cref="EnvelopeKind.CloseDirective"/> with
    /// <see cref="ConnIdMatchable"/>: the conn_id value, JSON-unescaped, as UTF-8. Empty otherwise.
    /// </summary>
    public ReadOnlySpan<byte> ConnId { get; }

    /// <summary>
    /// False when the envelope names a conn_id that no phone can have: longer than
    /// <see cref="CodecLimits.MaxConnIdBytes"/> once unescaped, or containing a lone surrogate escape. The relay
    /// treats it as an unknown conn_id (docs/protocol.md#routing-and-delivery). Meaningful for <see cref="EnvelopeKind.Data"/> and
    /// <see cref="EnvelopeKind.CloseDirective"/> only.
    /// </summary>
    public bool ConnIdMatchable { get; }

    /// <summary>The raw bytes between the quotes of the last <c>conn_id</c> string (escapes unchanged); empty if none.</summary>
    public ReadOnlySpan<byte> ConnIdJson { get; }

    /// <summary>The exact bytes of the <c>frame</c> value as it appears in the message; empty when none (absent or <c>null</c>).</summary>
    public ReadOnlySpan<byte> Frame { get; }

    /// <summary>Whether the envelope carries a frame to deliver.</summary>
    public bool HasFrame => !Frame.IsEmpty;

    /// <summary>The requested close code, 1–65535 for a close directive; 0 when none.</summary>
    public int CloseCode { get; }

    /// <summary>The exact bytes of the <c>push_wake</c> value; empty when none (absent or <c>null</c>).</summary>
    public ReadOnlySpan<byte> PushWake { get; }

    /// <summary>The <c>err</c> text to log for a dropped class; <c>null</c> for wake requests, data envelopes and directives.</summary>
    public string? Error => EnvelopeErrors.For(Kind);
}
