using PyrycodeRelay.Forwarding;

namespace PyrycodeRelay.Cluster;

/// <summary>The holder of a server-id held by another node, as this node's phones see it: frames and notices go to that node's inbox.</summary>
internal sealed class RemoteBinary(ClusterRegistry registry, string serverId, string node, long epoch) : BinaryPeer
{
    /// <inheritdoc />
    public override string ServerId { get; } = serverId;

    /// <summary>The holder's node.</summary>
    public string Node { get; } = node;

    /// <summary>The holder's epoch.</summary>
    public long Epoch { get; } = epoch;

    /// <inheritdoc />
    public override Task<bool> ProbeAsync(TimeSpan timeout) => registry.ProbeRemoteAsync(Node, ServerId, Epoch);

    /// <inheritdoc />
    public override ValueTask<bool> SendPhoneFrameAsync(PhonePeer phone, ReadOnlyMemory<byte> envelopePrefix, ReadOnlyMemory<byte> frame) =>
        registry.SendToNodeAsync(Node, new ClusterMessage(ClusterMessageType.ToBinary, ServerId, registry.NodeId, Epoch,
            ++phone.LinkSeqOut, phone.Binding.Key, 0, true, frame), Forwarding.Direction.PhoneToBinary);

    /// <inheritdoc />
    public override ValueTask<bool> SendCloseNoticeAsync(PhonePeer phone, ReadOnlyMemory<byte> notice) =>
        registry.SendToNodeAsync(Node, new ClusterMessage(ClusterMessageType.Notice, ServerId, registry.NodeId, Epoch,
            ++phone.LinkSeqOut, phone.Binding.Key, 0, true, notice), null);

    /// <inheritdoc />
    public override void Displace()
    {
        // A takeover of a remote holder is carried out by its own node (Displace message).
    }

    /// <inheritdoc />
    public override void CloseLeaseLost()
    {
        // Only the holder's own node closes it.
    }
}
