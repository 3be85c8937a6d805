using System.Globalization;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;
using StackExchange.Redis;

namespace PyrycodeRelay.Cluster;

/// <summary>Phone registration across nodes (docs/protocol.md#phone-registration, docs/protocol.md#end-of-a-phone-connection): the cap counts every node's phones.</summary>
internal sealed partial class ClusterRegistry
{
    /// <inheritdoc />
    public async ValueTask<PhoneRegistration<PhonePeer>> RegisterPhoneAsync(string serverId, Func<PhoneBinding<BinaryPeer, PhonePeer>, PhonePeer> create)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        ArgumentNullException.ThrowIfNull(create);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (_shuttingDown || !IsAvailable)
            {
                return new(PhoneRegistrationOutcome.ShuttingDown);
            }

            var key = _drawKey();
            RedisResult[] r;
            try
            {
                r = (RedisResult[])(await EvalAsync(ClusterScripts.Register, [SidKey(serverId), PhonesKey(serverId)],
                    [NodeId, KeyText(key), _options.PhonesPerServer.ToString(CultureInfo.InvariantCulture)]))!;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                _redis.ReportFailure();
                return new(PhoneRegistrationOutcome.ShuttingDown);
            }

            switch ((string)r[0]!)
            {
                case "none":
                    return new(PhoneRegistrationOutcome.NoServer);
                case "cap":
                    return new(PhoneRegistrationOutcome.AtCap);
                case "dup":
                    continue;
            }

            var epoch = long.Parse((string)r[1]!, CultureInfo.InvariantCulture);
            var holderNode = (string)r[2]!;
            var gracing = (string)r[3]! == "grace";
            var phone = Bind(serverId, key, epoch, holderNode, gracing, create);
            if (phone is null)
            {
                // This node's view changed under us (the claim moved on): give the key back and report no server.
                _ = ForgetAsync(serverId, key);
                return new(PhoneRegistrationOutcome.NoServer);
            }

            if (holderNode != NodeId && gracing)
            {
                // Grace (the holder's connection or node is gone): registered as usual; its node learns of it if it is there.
                Post(holderNode, new ClusterMessage(ClusterMessageType.PhoneJoined, serverId, NodeId, epoch, 0, key, 0, false, default));
            }
            else if (holderNode != NodeId && !await JoinAsync(holderNode, serverId, epoch, key))
            {
                LinkLost(phone); // the holder's node did not take the phone in within --conflict-probe-timeout
            }

            return new(PhoneRegistrationOutcome.Registered, phone);
        }

        return new(PhoneRegistrationOutcome.AtCap);
    }

    /// <summary>Tells the holder's node about the phone and waits for its answer (at most <c>--conflict-probe-timeout</c>).</summary>
    private Task<bool> JoinAsync(string holderNode, string sid, long epoch, ulong key) =>
        RequestAsync(holderNode, new ClusterMessage(ClusterMessageType.PhoneJoined, sid, NodeId, epoch, 0, key, 0, false, default));

    /// <summary>
    /// Sends <paramref name="message"/> with a fresh request id (in its sequence field) and waits for the answer, at most
    /// <c>--conflict-probe-timeout</c>; false without an answer in time, and at once when no node reads the inbox (a
    /// dead node is provably gone: a claimant does not wait the probe timeout for its acknowledgement).
    /// </summary>
    private async Task<bool> RequestAsync(string node, ClusterMessage message)
    {
        var id = Interlocked.Increment(ref _probeSeq);
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes[id] = answer;
        try
        {
            if (!await SendToNodeAsync(node, message with { Seq = id }, null))
            {
                return false; // nobody reads that node's inbox (the node is gone) or Redis failed: no answer can come
            }

            return await answer.Task.WaitAsync(_options.ProbeTimeout, _time);
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            _probes.TryRemove(id, out _);
        }
    }

    private PhonePeer? Bind(string sid, ulong key, long epoch, string holderNode, bool gracing, Func<PhoneBinding<BinaryPeer, PhonePeer>, PhonePeer> create)
    {
        List<PhonePeer>? stale = null;
        PhonePeer phone;
        lock (_gate)
        {
            _slots.TryGetValue(sid, out var slot);
            if (holderNode == NodeId)
            {
                if (slot is null || slot.Epoch != epoch || slot.Removed)
                {
                    return null;
                }
            }
            else if (slot is null || slot.Removed)
            {
                slot = new ServerSlot<BinaryPeer, PhonePeer>(sid, new RemoteBinary(this, sid, holderNode, epoch), epoch);
                _slots[sid] = slot;
            }
            else if (slot.Epoch < epoch)
            {
                if (!slot.Gracing && slot.Holder is BinarySession)
                {
                    _liveBinaries--;
                }

                stale = slot.Rebind(new RemoteBinary(this, sid, holderNode, epoch), epoch);
                foreach (var p in stale)
                {
                    if (p is RemotePhone)
                    {
                        _remotePhones--;
                    }
                    else
                    {
                        _phones--;
                    }
                }
            }
            else if (slot.Epoch > epoch)
            {
                return null;
            }

            if (gracing)
            {
                slot.Gracing = true;
            }

            phone = create(new PhoneBinding<BinaryPeer, PhonePeer>(slot, key, epoch, slot.Holder));
            slot.Add(key, phone);
            _phones++;
        }

        foreach (var p in stale ?? [])
        {
            p.CloseByRelay(WsCloseCodes.NoServer, "binary reclaimed server-id", PhoneRemoval.Reclaimed);
        }

        return phone;
    }

    /// <inheritdoc />
    public ValueTask<bool> UnregisterAsync(PhonePeer phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var binding = phone.Binding;
        var sid = binding.Slot.ServerId;
        lock (_gate)
        {
            if (!binding.Slot.Remove(binding.Key, phone))
            {
                return new(false);
            }

            if (phone is RemotePhone)
            {
                _remotePhones--;
                return new(true);
            }

            _phones--;
            if (binding.Slot.Holder is RemoteBinary && binding.Slot.PhoneCount == 0 && _slots.TryGetValue(sid, out var s) && ReferenceEquals(s, binding.Slot))
            {
                _slots.Remove(sid); // nothing of this server-id left on this node
                binding.Slot.Removed = true;
            }
        }

        _ = ForgetAsync(sid, binding.Key);
        if (binding.Holder is RemoteBinary remote)
        {
            Post(remote.Node, new ClusterMessage(ClusterMessageType.PhoneGone, sid, NodeId, binding.Epoch, 0, binding.Key, 0, false, default));
        }

        return new(true);
    }

    private async Task ForgetAsync(string sid, ulong key)
    {
        try
        {
            await _redis.Database.HashDeleteAsync(PhonesKey(sid), KeyText(key));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }
}
