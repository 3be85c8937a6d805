using System.Globalization;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;
using StackExchange.Redis;

namespace PyrycodeRelay.Cluster;

/// <summary>
/// Every <see cref="ClusterOptions.CheckInterval"/>: subscribe the inbox once connected, renew the leases of the
/// binaries held here (or close them <c>1011 cluster lease lost</c> once the lease is gone), and check the claims of
/// remote holders this node's phones are bound to (grace, reclaim, expiry by whichever node sees the deadline first).
/// </summary>
internal sealed partial class ClusterRegistry
{
    private async Task UpkeepLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await UpkeepGuardedAsync();
            try
            {
                await Task.Delay(_options.CheckInterval, _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One upkeep pass, unless one is already running (the loop and a reconnect may ask at once).</summary>
    private async Task UpkeepGuardedAsync()
    {
        if (Interlocked.Exchange(ref _upkeepRunning, 1) != 0)
        {
            return;
        }

        try
        {
            await UpkeepOnceAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            _redis.ReportFailure();
        }
        finally
        {
            Volatile.Write(ref _upkeepRunning, 0);
        }
    }

    private async Task UpkeepOnceAsync()
    {
        if (_redis.Multiplexer is { } mux && !_subscribed && _redis.IsUp)
        {
            await SubscribeAsync(mux);
        }

        if (!_redis.IsUp)
        {
            CheckLeaseDeadline();
            return;
        }

        await RenewAsync();
        await SweepRemoteHoldersAsync();
    }

    private (string Sid, long Epoch, BinaryPeer Holder)[] HeldHere()
    {
        lock (_gate)
        {
            return [.. _slots.Values.Where(s => !s.Removed && !s.Gracing && s.Holder is BinarySession).Select(s => (s.ServerId, s.Epoch, s.Holder))];
        }
    }

    private async Task RenewAsync()
    {
        var held = HeldHere();
        if (held.Length == 0)
        {
            _lastRenewOk = _time.GetTimestamp();
            return;
        }

        RedisResult[] lost;
        try
        {
            var r = await RenewOnceAsync(held, full: false);
            if (((RedisResult[])r[1]!).Length > 0)
            {
                r = await RenewOnceAsync(held, full: true); // Redis lost claims (restart): re-create them with keys and phones
            }

            lost = (RedisResult[])r[0]!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _redis.ReportFailure();
            CheckLeaseDeadline();
            return;
        }

        _lastRenewOk = _time.GetTimestamp();
        foreach (var key in lost)
        {
            var sid = ((string)key!)["pyry:sid:".Length..];
            foreach (var h in held.Where(h => h.Sid == sid))
            {
                LoseLease(h.Sid, h.Epoch);
            }
        }
    }

    /// <summary>
    /// Runs the renewal script for <paramref name="held"/>. With <paramref name="full"/>, each claim carries its server
    /// key hash and the conn_id keys of its phones on this node, so that a claim Redis lost is re-created whole (the
    /// cross-node phone cap holds again at once; phones on other nodes were closed when the link broke).
    /// </summary>
    private async Task<RedisResult[]> RenewOnceAsync((string Sid, long Epoch, BinaryPeer Holder)[] held, bool full)
    {
        RedisKey[] keys = [_epochKey, _liveIdsKey, .. held.Select(h => SidKey(h.Sid))];
        var values = new RedisValue[3 + (held.Length * 3)];
        values[0] = NodeId;
        values[1] = Ms(_options.Lease);
        values[2] = Ms(_options.GracePeriod);
        for (var i = 0; i < held.Length; i++)
        {
            var (sid, epoch, holder) = held[i];
            values[3 + (i * 3)] = epoch.ToString(CultureInfo.InvariantCulture);
            values[4 + (i * 3)] = full ? KeyHex(holder.ServerKeyHash) : "-";
            values[5 + (i * 3)] = full ? LocalPhoneKeys(sid, epoch) : "";
        }

        return (RedisResult[])(await EvalAsync(ClusterScripts.Renew, keys, values))!;
    }

    /// <summary>The conn_id keys of this node's phones of <paramref name="sid"/> at <paramref name="epoch"/>, comma-separated.</summary>
    private string LocalPhoneKeys(string sid, long epoch)
    {
        lock (_gate)
        {
            return _slots.TryGetValue(sid, out var slot) && slot.Epoch == epoch
                ? string.Join(',', slot.Snapshot().Where(p => p is not RemotePhone).Select(p => KeyText(p.Binding.Key)))
                : "";
        }
    }

    /// <summary>Redis unreachable: once the last renewal is older than the lease, every binary held here loses its lease.</summary>
    private void CheckLeaseDeadline()
    {
        if (_time.GetElapsedTime(_lastRenewOk) < _options.Lease)
        {
            return;
        }

        foreach (var h in HeldHere())
        {
            LoseLease(h.Sid, h.Epoch);
        }
    }

    /// <summary>Closes a binary whose lease is gone <c>1011 cluster lease lost</c> (never 4409) and its phones here <c>1011 cluster link lost</c>.</summary>
    private void LoseLease(string sid, long epoch)
    {
        BinaryPeer? holder = null;
        List<PhonePeer> phones = [];
        lock (_gate)
        {
            if (_slots.TryGetValue(sid, out var slot) && slot.Epoch == epoch && slot.Holder is BinarySession && !slot.Gracing)
            {
                holder = slot.Holder;
                _liveBinaries--;
                slot.Gracing = true;
                _slots.Remove(sid);
                slot.Removed = true;
                foreach (var p in slot.RemoveAll())
                {
                    if (p is RemotePhone)
                    {
                        _remotePhones--;
                    }
                    else
                    {
                        _phones--;
                        phones.Add(p);
                    }
                }
            }
        }

        holder?.CloseLeaseLost();
        foreach (var phone in phones)
        {
            LinkLost(phone);
        }
    }

    private async Task SweepRemoteHoldersAsync()
    {
        (string Sid, long Epoch)[] remote;
        lock (_gate)
        {
            remote = [.. _slots.Values.Where(s => !s.Removed && s.Holder is RemoteBinary).Select(s => (s.ServerId, s.Epoch))];
        }

        foreach (var (sid, epoch) in remote)
        {
            var state = await LookupAsync(sid);
            if (state is null)
            {
                Evict(sid, epoch + 1, WsCloseCodes.Normal); // expired elsewhere
            }
            else if (state.Value.Epoch != epoch)
            {
                Evict(sid, epoch + 1, WsCloseCodes.NoServer); // reclaimed or taken over elsewhere
            }
            else if (state.Value.State == "expired")
            {
                await TryExpireAsync(sid, epoch);
            }
            else if (state.Value.State == "grace")
            {
                lock (_gate)
                {
                    if (_slots.TryGetValue(sid, out var slot) && slot.Epoch == epoch)
                    {
                        slot.Gracing = true; // its holder's node died or lost Redis: treated as if its connection ended
                    }
                }
            }
        }
    }

    /// <summary>
    /// The inbox subscription or Redis is lost: every cross-node phone is closed <c>1011 cluster link lost</c> (its
    /// binary gets the close notice 1001 where reachable); phones of binaries held here lose their remote peers.
    /// Same-node traffic is not affected.
    /// </summary>
    private void LinkLostAll()
    {
        List<PhonePeer> local = [];
        List<(ServerSlot<BinaryPeer, PhonePeer> Slot, RemotePhone Phone)> remote = [];
        lock (_gate)
        {
            foreach (var slot in _slots.Values.ToList())
            {
                if (slot.Holder is RemoteBinary)
                {
                    _slots.Remove(slot.ServerId);
                    slot.Removed = true;
                    foreach (var p in slot.RemoveAll())
                    {
                        _phones--;
                        local.Add(p);
                    }
                }
                else
                {
                    foreach (var p in slot.Snapshot().OfType<RemotePhone>())
                    {
                        remote.Add((slot, p));
                    }
                }
            }
        }

        foreach (var phone in local)
        {
            LinkLost(phone);
        }

        foreach (var (slot, phone) in remote)
        {
            if (LoseRemotePhone(slot, phone, notice: true))
            {
                _metrics.LinkLost(); // counted once even when two link losses race (Redis down, subscription lost)
            }
        }
    }
}
