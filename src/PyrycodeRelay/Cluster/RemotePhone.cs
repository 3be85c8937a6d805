using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Cluster;

/// <summary>A phone on another node, as this node's binary session sees it: its frames and directives go to that node's inbox.</summary>
internal sealed class RemotePhone : PhonePeer
{
    private readonly ClusterRegistry _registry;
    private volatile bool _closed;
    private long _toBinaryBytes;

    public RemotePhone(ClusterRegistry registry, PhoneBinding<BinaryPeer, PhonePeer> binding, string node)
    {
        _registry = registry;
        Binding = binding;
        Node = node;
        ConnId = Forwarding.Codec.ConnIds.Format(binding.Slot.ServerId, binding.Key);
        ConnIdUtf8 = System.Text.Encoding.UTF8.GetBytes(ConnId);
        EnvelopePrefix = Forwarding.Codec.EnvelopeWriter.CreateFramePrefix(ConnIdUtf8);
    }

    /// <inheritdoc />
    public override PhoneBinding<BinaryPeer, PhonePeer> Binding { get; }

    /// <inheritdoc />
    public override string ConnId { get; }

    /// <summary>The phone's node.</summary>
    public string Node { get; }

    /// <summary>The conn_id in UTF-8.</summary>
    public byte[] ConnIdUtf8 { get; }

    /// <summary>The envelope prefix of this phone's frames toward the binary.</summary>
    public byte[] EnvelopePrefix { get; }

    /// <summary>Whether a close directive went to the phone (its node then sends no close notice).</summary>
    public bool DirectiveSent { get; private set; }

    /// <summary>
    /// Charges <paramref name="bytes"/> of this phone's frames waiting for the binary's writer; false (nothing charged)
    /// when that would pass <paramref name="budget"/> while something is already waiting.
    /// </summary>
    public bool TryChargeToBinary(long bytes, long budget)
    {
        var now = Interlocked.Add(ref _toBinaryBytes, bytes);
        if (now > budget && now != bytes)
        {
            Interlocked.Add(ref _toBinaryBytes, -bytes);
            return false;
        }

        return true;
    }

    /// <summary>Releases what <see cref="TryChargeToBinary"/> charged once the write completed.</summary>
    public void ReleaseToBinary(long bytes) => Interlocked.Add(ref _toBinaryBytes, -bytes);

    /// <inheritdoc />
    public override EnqueueStatus Enqueue(ReadOnlySpan<byte> frame, bool hasFrame, int closeCode, long readAt)
    {
        if (_closed)
        {
            return EnqueueStatus.Closed;
        }

        if (closeCode != 0)
        {
            DirectiveSent = true;
            _closed = true;
        }

        _registry.Post(Node, new ClusterMessage(ClusterMessageType.ToPhone, Binding.Slot.ServerId, _registry.NodeId, Binding.Epoch,
            ++LinkSeqOut, Binding.Key, closeCode, hasFrame, hasFrame ? frame.ToArray() : default));
        return EnqueueStatus.Queued;
    }

    /// <inheritdoc />
    public override void CloseByRelay(int code, string reason, PhoneRemoval removal) => _closed = true; // its own node closes it
}
