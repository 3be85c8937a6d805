using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Cluster;

/// <summary>
/// A remote phone's frame toward a binary on this node (docs/architecture.md#cluster-mode): handed to the binary's
/// writer without waiting for the write, so one binary that does not read never holds up this node's inbox. The
/// writer is FIFO at call time, so per-phone order holds. What waits is charged per phone against
/// <c>--phone-outbox-bytes</c>; past it the phone is ended as for a failed write to the binary (never a silent gap).
/// </summary>
internal sealed partial class ClusterRegistry
{
    /// <summary>What one waiting frame costs beyond its bytes (as an outbox item, docs/protocol.md#phone-outbox).</summary>
    private const int ToBinaryItemOverhead = 64;

    private void ForwardToBinary(ServerSlot<BinaryPeer, PhonePeer> slot, RemotePhone remote, ClusterMessage m)
    {
        long cost = remote.EnvelopePrefix.Length + m.Payload.Length + 1 + ToBinaryItemOverhead;
        if (!remote.TryChargeToBinary(cost, _options.PhoneOutboxBytes))
        {
            // The binary is not taking this phone's frames and its node cannot hold the phone back from here: the
            // phone is ended as for a failed write to the binary (its node: phone_forwarder_send_failed, 1000), never
            // a silent gap; the binary gets the close notice behind the frames already queued.
            ClusterLog.ToBinaryOverflow(_logger, NodeId, m.ServerId, remote.ConnId);
            if (ReferenceEquals(slot.Find(slot.Holder, m.Key), remote))
            {
                LoseRemotePhone(slot, remote, notice: true);
                Post(remote.Node, new ClusterMessage(ClusterMessageType.BinaryWriteFailed, m.ServerId, NodeId, m.Epoch, 0, m.Key, 0, false, default));
            }

            return;
        }

        var write = slot.Holder.SendPhoneFrameAsync(remote, remote.EnvelopePrefix, m.Payload);
        if (write.IsCompletedSuccessfully)
        {
            remote.ReleaseToBinary(cost);
            if (!write.Result)
            {
                BinaryWriteFailed(slot, remote, m.ServerId, m.Epoch, m.Key);
            }

            return;
        }

        _ = AwaitToBinaryAsync(write, slot, remote, m.ServerId, m.Epoch, m.Key, cost);
    }

    private async Task AwaitToBinaryAsync(ValueTask<bool> write, ServerSlot<BinaryPeer, PhonePeer> slot, RemotePhone remote,
        string sid, long epoch, ulong key, long cost)
    {
        bool ok;
        try
        {
            ok = await write;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ok = false;
        }

        remote.ReleaseToBinary(cost);
        if (!ok)
        {
            BinaryWriteFailed(slot, remote, sid, epoch, key);
        }
    }

    /// <summary>As for a phone on the binary's node whose write to the binary failed: its node ends it (once).</summary>
    private void BinaryWriteFailed(ServerSlot<BinaryPeer, PhonePeer> slot, RemotePhone remote, string sid, long epoch, ulong key)
    {
        if (RemoveRemote(slot, remote))
        {
            Post(remote.Node, new ClusterMessage(ClusterMessageType.BinaryWriteFailed, sid, NodeId, epoch, 0, key, 0, false, default));
        }
    }
}
