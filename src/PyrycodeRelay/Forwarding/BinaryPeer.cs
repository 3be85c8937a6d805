using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// The holder of a server-id as its phones see it: the binary's own session on this node (<see cref="BinarySession"/>),
/// or, in cluster mode, a stand-in for a binary held by another node (docs/architecture.md "Cluster mode"). Phones
/// send through it without knowing which; in single-instance mode only <see cref="BinarySession"/> exists.
/// </summary>
internal abstract class BinaryPeer : IRegistryBinary
{
    /// <inheritdoc />
    public abstract string ServerId { get; }

    /// <inheritdoc />
    public abstract Task<bool> ProbeAsync(TimeSpan timeout);

    /// <inheritdoc />
    public virtual byte[]? ServerKeyHash => null;

    /// <summary>
    /// The fingerprint of the source network the binary connected from (docs/operations.md#server-keys); empty for a
    /// stand-in of a binary on another node.
    /// </summary>
    public virtual string SourceFp => "";

    /// <summary>
    /// Delivers one phone frame to the binary as <c>envelopePrefix + frame + "}"</c> (docs/protocol.md#phone-to-binary); false when the
    /// write failed (the phone then ends as for a failed write to its binary).
    /// </summary>
    public abstract ValueTask<bool> SendPhoneFrameAsync(PhonePeer phone, ReadOnlyMemory<byte> envelopePrefix, ReadOnlyMemory<byte> frame);

    /// <summary>Delivers a phone's close notice (docs/protocol.md#close-notice) to the binary; false when the write failed.</summary>
    public abstract ValueTask<bool> SendCloseNoticeAsync(PhonePeer phone, ReadOnlyMemory<byte> notice);

    /// <summary>Displaced by a takeover: closed 1011 <c>heartbeat timeout</c>; its teardown leaves the registry alone.</summary>
    public abstract void Displace();

    /// <summary>Cluster mode: this node lost the claim's lease; closed 1011 <c>cluster lease lost</c> (never 4409).</summary>
    public abstract void CloseLeaseLost();
}
