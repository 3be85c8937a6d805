using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;
using StackExchange.Redis;

namespace PyrycodeRelay.Cluster;

/// <summary>This node's inbox: one loop reads it in order (per-phone order and sequence checks depend on it).</summary>
internal sealed partial class ClusterRegistry
{
    private async Task SubscribeAsync(ConnectionMultiplexer mux)
    {
        mux.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                LinkLostAll();
            }
        };
        _inbox = await mux.GetSubscriber().SubscribeAsync(Inbox(NodeId));
        _inboxLoop = Task.Run(ReadInboxAsync);
        _subscribed = true;
    }

    private async Task ReadInboxAsync()
    {
        var inbox = _inbox!;
        while (!_stop.IsCancellationRequested)
        {
            ChannelMessage received;
            try
            {
                received = await inbox.ReadAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
                return;
            }

            byte[]? bytes = received.Message;
            if (bytes is null || ClusterMessage.Decode(bytes) is not { } message)
            {
                continue;
            }

            try
            {
                await HandleAsync(message);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Defence in depth: one bad message never stops the inbox.
            }

            if (message.From != NodeId)
            {
                Interlocked.Increment(ref _handled);
            }
        }
    }

    private async Task HandleAsync(ClusterMessage m)
    {
        ServerSlot<BinaryPeer, PhonePeer>? slot;
        lock (_gate)
        {
            _slots.TryGetValue(m.ServerId, out slot);
        }

        switch (m.Type)
        {
            case ClusterMessageType.ProbeAnswer:
                if (_probes.TryGetValue(m.Seq, out var answer))
                {
                    answer.TrySetResult(m.Code == 1);
                }

                return;
            case ClusterMessageType.ProbeRequest:
                var holder = slot is not null && slot.Epoch == m.Epoch && !slot.Gracing && slot.Holder is BinarySession ? slot.Holder : null;
                _ = AnswerProbeAsync(holder, m);
                return;
        }

        if (m.Type is ClusterMessageType.Evict or ClusterMessageType.Displace)
        {
            if (m.Type == ClusterMessageType.Evict)
            {
                Evict(m.ServerId, m.Epoch, m.Code);
            }
            else
            {
                Displace(m.ServerId, m.Epoch);
            }

            if (m.Seq != 0)
            {
                Post(m.From, new ClusterMessage(ClusterMessageType.ProbeAnswer, m.ServerId, NodeId, m.Epoch, m.Seq, 0, 1, false, default));
            }

            return;
        }

        if (slot is null || slot.Removed)
        {
            _metrics.StaleEpochDrop();
            return;
        }

        switch (m.Type)
        {
            case ClusterMessageType.PhoneJoined:
                var joined = false;
                if (Fresh(slot, m) && slot.Holder is not RemoteBinary)
                {
                    lock (_gate)
                    {
                        if (!slot.Removed && slot.Epoch == m.Epoch && !slot.ContainsKey(m.Key))
                        {
                            slot.Add(m.Key, new RemotePhone(this, new PhoneBinding<BinaryPeer, PhonePeer>(slot, m.Key, m.Epoch, slot.Holder), m.From));
                            _remotePhones++;
                            joined = true;
                        }
                    }
                }

                Post(m.From, new ClusterMessage(ClusterMessageType.ProbeAnswer, m.ServerId, NodeId, m.Epoch, m.Seq, 0, joined ? 1 : 0, false, default));
                return;
            case ClusterMessageType.ToBinary or ClusterMessageType.Notice:
                if (!Fresh(slot, m) || slot.Find(slot.Holder, m.Key) is not RemotePhone remote)
                {
                    return;
                }

                if (m.Seq != remote.LinkSeqIn + 1)
                {
                    LoseRemotePhone(slot, remote, notice: true);
                    Post(remote.Node, new ClusterMessage(ClusterMessageType.LinkLost, m.ServerId, NodeId, m.Epoch, 0, m.Key, 0, false, default));
                    return;
                }

                remote.LinkSeqIn = m.Seq;
                if (m.Type == ClusterMessageType.Notice)
                {
                    if (RemoveRemote(slot, remote) && slot.StateOf(m.Epoch) == BindingState.Live && !_shuttingDown)
                    {
                        // Queued behind this phone's frames (the binary's writer is FIFO at call time); not awaited.
                        _ = slot.Holder.SendCloseNoticeAsync(remote, m.Payload).AsTask();
                    }

                    return;
                }

                if (slot.StateOf(m.Epoch) == BindingState.Live)
                {
                    ForwardToBinary(slot, remote, m);
                }

                return;
            case ClusterMessageType.BinaryWriteFailed:
                if (slot.Find(slot.Holder, m.Key) is PhoneSession failed)
                {
                    // As for a phone on the binary's node whose write to the binary failed (docs/protocol.md#phone-to-binary).
                    Observability.Logging.RelayLog.PhoneForwarderSendFailed(_logger, m.ServerId, failed.ConnId, "relay: write to binary failed");
                    _relayMetrics.Dropped(Direction.PhoneToBinary, DropReason.BinaryWriteFailed);
                    failed.CloseByRelay(WsCloseCodes.Normal, "", PhoneRemoval.None);
                }

                return;
            case ClusterMessageType.PhoneGone:
                if (slot.Find(slot.Holder, m.Key) is RemotePhone gone)
                {
                    LoseRemotePhone(slot, gone, notice: !gone.DirectiveSent);
                }

                return;
            case ClusterMessageType.ToPhone:
                if (slot.Find(slot.Holder, m.Key) is not PhoneSession phone)
                {
                    if (m.Epoch < slot.Epoch)
                    {
                        _metrics.StaleEpochDrop(); // from a claim that was replaced since (e.g. a paused node's binary): counted
                    }

                    return;
                }

                if (phone.Binding.Epoch != m.Epoch)
                {
                    _metrics.StaleEpochDrop();
                    return;
                }

                if (m.Seq != phone.LinkSeqIn + 1)
                {
                    LinkLost(phone);
                    return;
                }

                phone.LinkSeqIn = m.Seq;
                var status = phone.Enqueue(m.Payload.Span, m.HasFrame, m.Code, _time.GetTimestamp());
                if (status != EnqueueStatus.Queued)
                {
                    // The outbox is on the phone's node: the refusal is logged and counted here, as the binary's node does for its own phones.
                    Observability.Logging.RelayLog.BinaryForwarderPhoneEnqueueFailed(_logger, m.ServerId, phone.ConnId, status switch
                    {
                        EnqueueStatus.PhoneBacklogFull => "relay: phone backlog full",
                        EnqueueStatus.RelayBudgetExhausted => "relay: relay outbox budget exhausted",
                        _ => "relay: phone outbox closed",
                    });
                    _relayMetrics.Dropped(Direction.BinaryToPhone, status == EnqueueStatus.Closed ? DropReason.PhoneClosed : DropReason.OutboxOverflow);
                }

                return;
            case ClusterMessageType.LinkLost:
                if (slot.Find(slot.Holder, m.Key) is PhoneSession lost)
                {
                    LinkLost(lost);
                }

                return;
            case ClusterMessageType.Gracing:
                if (slot.Epoch == m.Epoch)
                {
                    slot.Gracing = true;
                }

                return;
        }
    }

    private bool Fresh(ServerSlot<BinaryPeer, PhonePeer> slot, ClusterMessage m)
    {
        if (slot.Epoch == m.Epoch)
        {
            return true;
        }

        _metrics.StaleEpochDrop();
        return false;
    }

    private async Task AnswerProbeAsync(BinaryPeer? holder, ClusterMessage m)
    {
        var pong = holder is not null && await holder.ProbeAsync(_options.ProbeTimeout);
        Post(m.From, new ClusterMessage(ClusterMessageType.ProbeAnswer, m.ServerId, NodeId, m.Epoch, m.Seq, 0, pong ? 1 : 0, false, default));
    }

    /// <summary>Forgets <paramref name="remote"/>; true for the one caller that actually removed it.</summary>
    private bool RemoveRemote(ServerSlot<BinaryPeer, PhonePeer> slot, RemotePhone remote)
    {
        lock (_gate)
        {
            if (slot.Remove(remote.Binding.Key, remote))
            {
                _remotePhones--;
                return true;
            }

            return false;
        }
    }

    /// <summary>A phone on another node is gone: unless told otherwise its binary gets the close notice 1001 (docs/protocol.md#close-notice).</summary>
    private bool LoseRemotePhone(ServerSlot<BinaryPeer, PhonePeer> slot, RemotePhone remote, bool notice)
    {
        if (!RemoveRemote(slot, remote))
        {
            return false; // already gone (two link losses at once: Redis down and the subscription lost): one notice only
        }

        if (notice && !_shuttingDown && slot.StateOf(remote.Binding.Epoch) == BindingState.Live)
        {
            var bytes = new byte[EnvelopeWriter.GetCloseNoticeLength(remote.ConnIdUtf8, WsCloseCodes.GoingAway)];
            EnvelopeWriter.WriteCloseNotice(remote.ConnIdUtf8, WsCloseCodes.GoingAway, bytes);
            _ = slot.Holder.SendCloseNoticeAsync(remote, bytes).AsTask();
        }

        return true;
    }

    /// <summary>Closes this node's phones of <paramref name="sid"/> bound to a claim older than <paramref name="epoch"/>.</summary>
    private void Evict(string sid, long epoch, int code)
    {
        List<PhonePeer> removed;
        BinaryPeer? displaced = null;
        lock (_gate)
        {
            if (!_slots.TryGetValue(sid, out var slot) || slot.Epoch >= epoch)
            {
                return;
            }

            _slots.Remove(sid);
            slot.Removed = true;
            if (slot.Holder is BinarySession && !slot.Gracing)
            {
                _liveBinaries--;
                slot.Gracing = true; // its teardown must not release the new claim
                displaced = slot.Holder;
            }

            removed = slot.RemoveAll();
            foreach (var p in removed)
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

        displaced?.Displace();
        foreach (var phone in removed)
        {
            if (code == WsCloseCodes.Normal)
            {
                phone.CloseByRelay(WsCloseCodes.Normal, "", PhoneRemoval.GraceExpired);
            }
            else if (code == WsCloseCodes.NoServer)
            {
                phone.CloseByRelay(WsCloseCodes.NoServer, "binary reclaimed server-id", PhoneRemoval.Reclaimed);
            }
            else
            {
                LinkLost(phone);
            }
        }
    }

    /// <summary>The holder of <paramref name="epoch"/> on this node was taken over by another node: it is closed, its phones evicted (4404).</summary>
    private void Displace(string sid, long epoch) => Evict(sid, epoch + 1, WsCloseCodes.NoServer);
}
