namespace PyrycodeRelay.Forwarding.Codec;

/// <summary>Fixed bounds of the frame/envelope codec (docs/protocol.md#identifiers, #phone-to-binary, #binary-to-phone).</summary>
internal static class CodecLimits
{
    /// <summary>
    /// Deepest nesting accepted in a phone frame (the wire contract requires at least 64, docs/protocol.md#implementation-notes; RFC 8259 §9 lets a
    /// parser bound it). Frames nested deeper are rejected as invalid JSON. Up to 64 levels parsing is
    /// allocation-free; beyond that <see cref="System.Text.Json.Utf8JsonReader"/> allocates one small
    /// bit-stack array (at most 128 bytes for this bound) per message.
    /// </summary>
    public const int MaxFrameDepth = 1000;

    /// <summary>Deepest nesting accepted in a binary envelope: one level (the envelope object) above a frame.</summary>
    public const int MaxEnvelopeDepth = MaxFrameDepth + 1;

    /// <summary>
    /// Longest possible conn_id in UTF-8 bytes: <c>client-</c> (7) + server-id (at most 128) + <c>-</c> (1)
    /// + 16 hex digits. A longer conn_id in an envelope can never match a phone.
    /// </summary>
    public const int MaxConnIdBytes = 7 + 128 + 1 + 16;
}
