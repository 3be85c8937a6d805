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

    /// <summary>
    /// What an item for a frame of <paramref name="frameLength"/> bytes will cost before its buffer is rented: the shared
    /// pool's power-of-two bucket (at least 16 bytes) + <see cref="Overhead"/>; a directive alone costs the overhead.
    /// </summary>
    public static long EstimateCost(bool hasFrame, int frameLength) =>
        (hasFrame ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(frameLength, 16)) : 0) + Overhead;

    public bool IsDirective => CloseCode != 0;
}
