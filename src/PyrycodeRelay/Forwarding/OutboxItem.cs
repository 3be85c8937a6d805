namespace PyrycodeRelay.Forwarding;

/// <summary>
/// One queued delivery to a phone: a frame (pooled buffer, may be absent for a directive) and an optional
/// close code (non-zero = close directive). <see cref="Cost"/> is what it is charged: the pooled array's length
/// (a power of two at least the frame's length) + 64 (docs/protocol.md#phone-outbox).
/// </summary>
internal readonly record struct OutboxItem(byte[]? Buffer, int Length, int CloseCode, long Cost, long ReadAt)
{
    /// <summary>Per-item overhead charged on top of the frame length (docs/protocol.md#phone-outbox).</summary>
    public const int Overhead = 64;

    public bool HasFrame => Buffer is not null;

    /// <summary>The charge of an item holding <paramref name="buffer"/> (null for a directive without a frame).</summary>
    public static long CostOf(byte[]? buffer) => (buffer?.Length ?? 0) + (long)Overhead;

    public bool IsDirective => CloseCode != 0;
}
