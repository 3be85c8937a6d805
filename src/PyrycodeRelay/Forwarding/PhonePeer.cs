using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// A phone as its binary's session sees it: the phone's own session on this node (<see cref="PhoneSession"/>), or, in
/// cluster mode, a stand-in for a phone on another node (docs/architecture.md "Cluster mode").
/// </summary>
internal abstract class PhonePeer : IRegistryPhone<BinaryPeer, PhonePeer>
{
    /// <summary>Cluster mode: the sequence number of the last message sent toward the other node for this phone.</summary>
    internal long LinkSeqOut;

    /// <summary>Cluster mode: the sequence number of the last message received from the other node for this phone.</summary>
    internal long LinkSeqIn;

    /// <inheritdoc />
    public abstract PhoneBinding<BinaryPeer, PhonePeer> Binding { get; }

    /// <summary>The conn_id the binary addresses this phone by.</summary>
    public abstract string ConnId { get; }

    /// <summary>
    /// Appends a frame and/or a close directive for the phone (docs/protocol.md#binary-to-phone, docs/protocol.md#close-directives, docs/protocol.md#phone-outbox); never blocks.
    /// </summary>
    public abstract EnqueueStatus Enqueue(ReadOnlySpan<byte> frame, bool hasFrame, int closeCode, long readAt);

    /// <summary>A relay-initiated close (reclaim, expiry, shutdown, heartbeat, cluster link lost).</summary>
    public abstract void CloseByRelay(int code, string reason, PhoneRemoval removal);
}
