namespace PyrycodeRelay.Forwarding;

/// <summary>
/// One queued delivery to a phone: a frame (pooled buffer, may be absent for a directive) and an optional
/// close code (non-zero = close directive). <see cref="Cost"/> is what it is charged (length + 64).
/// </summary>
internal readonly record struct OutboxItem(byte[]? Buffer, int Length, int CloseCode, long Cost, long ReadAt)
{
    /// <summary>Per-item overhead charged on top of the frame length (docs/protocol.md#phone-outbox).</summary>
    public const int Overhead = 64;

    public bool HasFrame => Buffer is not null;

    public bool IsDirective => CloseCode != 0;
}
