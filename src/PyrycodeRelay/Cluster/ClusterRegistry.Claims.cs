using System.Globalization;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;
using StackExchange.Redis;

namespace PyrycodeRelay.Cluster;

/// <summary>Claims, reclaims, probes and takeovers across nodes; release into grace and expiry (docs/protocol.md#binary-claim, docs/protocol.md#conflict-probe-and-takeover, docs/protocol.md#grace-reclaim-and-expiry).</summary>
internal sealed partial class ClusterRegistry
{
    /// <inheritdoc />
    public async ValueTask<ClaimDecision<BinaryPeer, PhonePeer>> ClaimAsync(BinaryPeer claimant)
    {
        ArgumentNullException.ThrowIfNull(claimant);
        var sid = claimant.ServerId;
        var force = "0";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (_shuttingDown || !IsAvailable)
            {
                return new(ClaimOutcome.ShuttingDown);
            }

            RedisResult[] r;
            try
            {
                r = (RedisResult[])(await EvalAsync(ClusterScripts.Claim, [SidKey(sid), PhonesKey(sid), _epochKey, _liveIdsKey, _graceIdsKey],
                    [NodeId, Ms(_options.Lease), Ms(_options.GracePeriod), force, KeyHex(claimant.ServerKeyHash),
                        _options.MaxServerIds.ToString(CultureInfo.InvariantCulture), sid]))!;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                _redis.ReportFailure();
                return new(ClaimOutcome.ShuttingDown);
            }

            var kind = (string)r[0]!;
            if (kind == "key")
            {
                return new(ClaimOutcome.KeyMismatch); // held with a server key the claimant did not present: no probe
            }

            if (kind == "cap")
            {
                return new(ClaimOutcome.AtCapacity);
            }

            if (kind == "live" && force != "0")
            {
                return new(ClaimOutcome.Conflict); // another claimant took over the silent incumbent first
            }

            if (kind == "live")
            {
                var node = (string)r[1]!;
                var epoch = long.Parse((string)r[2]!, CultureInfo.InvariantCulture);
                var pong = node == NodeId ? await ProbeLocalAsync(sid, epoch) : await ProbeOtherNodeAsync(node, sid, epoch);
                if (pong is null)
                {
                    // Redis did not answer: never 4409 on doubt (it ends the daemon for good); 1001, and it redials.
                    _redis.ReportFailure();
                    return new(ClaimOutcome.ShuttingDown);
                }

                if (pong.Value)
                {
                    return new(ClaimOutcome.Conflict);
                }

                force = (string)r[2]!;
                continue;
            }

            var ownEnd = 5 + int.Parse((string)r[4]!, CultureInfo.InvariantCulture);
            CutShort(r, ownEnd);
            var decision = Apply(claimant, kind, r, ownEnd, out var evictions);
            if (evictions.Count > 0)
            {
                // The other nodes' phones of the old claim are gone before the new holder serves (as on one node).
                await Task.WhenAll(evictions.Select(e => RequestAsync(e.Node, e.Message)));
            }

            return decision;
        }

        return new(ClaimOutcome.Conflict); // another claimant kept winning the race
    }

    private ClaimDecision<BinaryPeer, PhonePeer> Apply(BinaryPeer claimant, string kind, RedisResult[] r, int ownEnd, out List<(string Node, ClusterMessage Message)> evictions)
    {
        evictions = [];
        var sid = claimant.ServerId;
        var epoch = long.Parse((string)r[1]!, CultureInfo.InvariantCulture);
        var oldNode = (string)r[2]!;
        var oldEpoch = ((string)r[3]!).Length > 0 ? long.Parse((string)r[3]!, CultureInfo.InvariantCulture) : 0;
        var code = kind == "expired" ? WsCloseCodes.Normal : WsCloseCodes.NoServer;
        var otherNodes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 5; i + 1 < ownEnd; i += 2)
        {
            var node = (string)r[i + 1]!;
            if (node != NodeId)
            {
                otherNodes.Add(node);
            }
        }

        BinaryPeer? displaced = null;
        var evicted = new List<PhonePeer>();
        ServerSlot<BinaryPeer, PhonePeer> slot;
        lock (_gate)
        {
            if (_slots.TryGetValue(sid, out var existing) && !existing.Removed)
            {
                slot = existing;
                var oldHolder = slot.Holder;
                var oldWasLiveHere = !slot.Gracing && oldHolder is BinarySession;
                foreach (var phone in slot.Rebind(claimant, epoch))
                {
                    if (phone is RemotePhone)
                    {
                        _remotePhones--;
                    }
                    else
                    {
                        _phones--;
                        evicted.Add(phone);
                    }
                }

                if (oldWasLiveHere)
                {
                    displaced = oldHolder; // taken over here: the live count stays
                }
                else
                {
                    _liveBinaries++;
                }
            }
            else
            {
                slot = new ServerSlot<BinaryPeer, PhonePeer>(sid, claimant, epoch);
                _slots[sid] = slot;
                _liveBinaries++;
            }
        }

        if (kind == "takenover" && oldNode.Length > 0 && oldNode != NodeId)
        {
            otherNodes.Remove(oldNode);
            evictions.Add((oldNode, new ClusterMessage(ClusterMessageType.Displace, sid, NodeId, oldEpoch, 0, 0, 0, false, default)));
        }

        foreach (var node in otherNodes)
        {
            evictions.Add((node, new ClusterMessage(ClusterMessageType.Evict, sid, NodeId, epoch, 0, 0, code, false, default)));
        }

        if (kind == "expired")
        {
            foreach (var phone in evicted)
            {
                phone.CloseByRelay(WsCloseCodes.Normal, "", PhoneRemoval.GraceExpired);
            }

            evicted.Clear();
        }

        return kind switch
        {
            "reclaimed" => new(ClaimOutcome.Reclaimed, slot, Evicted: evicted),
            "takenover" => new(ClaimOutcome.TakenOver, slot, displaced, evicted),
            _ => new(ClaimOutcome.Claimed, slot),
        };
    }

    private async Task<bool> ProbeLocalAsync(string sid, long epoch)
    {
        BinaryPeer? holder = null;
        lock (_gate)
        {
            if (_slots.TryGetValue(sid, out var slot) && slot.Epoch == epoch && !slot.Gracing && slot.Holder is BinarySession)
            {
                holder = slot.Holder;
            }
        }

        return holder is not null && await holder.ProbeAsync(_options.ProbeTimeout);
    }

    /// <summary>
    /// Probes a holder on <paramref name="node"/>: no answer within <c>--conflict-probe-timeout</c> counts as no Pong,
    /// and so does a node nobody listens for (its inbox has no subscriber: the node is gone).
    /// </summary>
    public async Task<bool> ProbeRemoteAsync(string node, string sid, long epoch) => await ProbeOtherNodeAsync(node, sid, epoch) ?? false;

    /// <summary>As <see cref="ProbeRemoteAsync"/>, but null when Redis could not be asked.</summary>
    private async Task<bool?> ProbeOtherNodeAsync(string node, string sid, long epoch)
    {
        try
        {
            var numsub = (RedisResult[])(await _redis.Database.ExecuteAsync("PUBSUB", "NUMSUB", "pyry:inbox:" + node))!;
            if (numsub.Length >= 2 && (long)numsub[1] == 0)
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or InvalidCastException)
        {
            return null; // cannot tell: neither a takeover nor a 4409
        }

        var id = Interlocked.Increment(ref _probeSeq);
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes[id] = answer;
        try
        {
            Post(node, new ClusterMessage(ClusterMessageType.ProbeRequest, sid, NodeId, epoch, id, 0, 0, false, default));
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

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseAsync(BinaryPeer holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        long epoch;
        bool shuttingDown;
        lock (_gate)
        {
            if (!_slots.TryGetValue(holder.ServerId, out var slot) || !ReferenceEquals(slot.Holder, holder) || slot.Gracing || slot.Removed)
            {
                return false;
            }

            slot.Gracing = true;
            _liveBinaries--;
            epoch = slot.Epoch;
            shuttingDown = _shuttingDown;
        }

        var sid = holder.ServerId;
        try
        {
            var r = (RedisResult[])(await EvalAsync(ClusterScripts.Release, [SidKey(sid), PhonesKey(sid), _liveIdsKey, _graceIdsKey],
                [NodeId, epoch.ToString(CultureInfo.InvariantCulture), sid]))!;
            var notified = new HashSet<string>(StringComparer.Ordinal) { NodeId };
            for (var i = 1; i + 1 < r.Length; i += 2)
            {
                var node = (string)r[i + 1]!;
                if (notified.Add(node))
                {
                    Post(node, new ClusterMessage(ClusterMessageType.Gracing, sid, NodeId, epoch, 0, 0, 0, false, default));
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Redis unreachable: the lease lapses instead and grace runs from its end (every node's sweep sees it).
        }

        if (!shuttingDown)
        {
            _ = ExpireLaterAsync(sid, epoch);
        }

        return !shuttingDown;
    }

    private async Task ExpireLaterAsync(string sid, long epoch)
    {
        try
        {
            await Task.Delay(_options.GracePeriod, _time, _stop.Token);
            for (var i = 0; i < 50 && !_stop.IsCancellationRequested; i++)
            {
                if (await TryExpireAsync(sid, epoch) is not null)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, _stop.Token); // Redis time may lag ours a little
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Carries out the expiry of <paramref name="sid"/>'s claim <paramref name="epoch"/> if its grace deadline passed
    /// (atomically, once over all nodes): this node's phones are closed 1000, the other nodes are told. Returns null
    /// when it was not (yet) due, true when this call expired it, false when the claim is gone or changed.
    /// </summary>
    private async Task<bool?> TryExpireAsync(string sid, long epoch)
    {
        RedisResult[] r;
        try
        {
            r = (RedisResult[])(await EvalAsync(ClusterScripts.Expire, [SidKey(sid), PhonesKey(sid), _liveIdsKey, _graceIdsKey],
                [epoch.ToString(CultureInfo.InvariantCulture), sid]))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return null;
        }

        if ((string)r[0]! != "expired")
        {
            var state = await LookupAsync(sid);
            return state is null || state.Value.Epoch != epoch ? false : null;
        }

        var local = new List<PhonePeer>();
        lock (_gate)
        {
            if (_slots.TryGetValue(sid, out var slot) && slot.Epoch == epoch)
            {
                _slots.Remove(sid);
                slot.Removed = true;
                if (!slot.Gracing && slot.Holder is BinarySession)
                {
                    _liveBinaries--;
                }

                TakePhonesLocked(slot, local);
            }
        }

        var notified = new HashSet<string>(StringComparer.Ordinal) { NodeId };
        for (var i = 1; i + 1 < r.Length; i += 2)
        {
            var node = (string)r[i + 1]!;
            if (notified.Add(node))
            {
                Post(node, new ClusterMessage(ClusterMessageType.Evict, sid, NodeId, epoch + 1, 0, 0, WsCloseCodes.Normal, false, default));
            }
        }

        _graceExpired(sid, local);
        return true;
    }

    private async Task<(long Epoch, string State)?> LookupAsync(string sid)
    {
        var r = (RedisResult[])(await EvalAsync(ClusterScripts.Lookup, [SidKey(sid)], []))!;
        return r.Length < 2 ? null : (long.Parse((string)r[0]!, CultureInfo.InvariantCulture), (string)r[1]!);
    }
}
