using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// One registered phone: its reader forwards frames to the bound binary (protocol.md §6), its outbox
/// delivers the binary's frames and directives (§7.3, §7.4, §10), and its teardown sends the close
/// notice (§8) and unregisters it (§5.5).
/// </summary>
internal sealed partial class PhoneSession : IRegisteredPhone, IHeartbeatOwner
{
    private readonly RelayRuntime _rt;
    private readonly byte[] _envelopePrefix;
    private readonly byte[] _connIdUtf8;
    private readonly PhoneOutbox _outbox;
    private ServerSlot _slot = null!;
    private int _removal;              // PhoneRemoval, first writer wins
    private volatile bool _noNotice;   // a directive was accepted or overflowed

    private PhoneSession(RelayRuntime rt, WsConnection connection, string serverId, ulong key, IRegisteredBinary bound)
    {
        _rt = rt;
        Connection = connection;
        ServerId = serverId;
        Key = key;
        Bound = bound;
        ConnId = Codec.ConnIds.Format(serverId, key);
        _connIdUtf8 = System.Text.Encoding.UTF8.GetBytes(ConnId);
        _envelopePrefix = EnvelopeWriter.CreateFramePrefix(_connIdUtf8);
        _outbox = new PhoneOutbox(rt.Options.PhoneOutboxBytes, rt.Budget);
    }

    /// <inheritdoc />
    public string ServerId { get; }

    /// <inheritdoc />
    public ulong Key { get; }

    /// <inheritdoc />
    public IRegisteredBinary Bound { get; }

    /// <summary>The conn_id the binary addresses this phone by.</summary>
    public string ConnId { get; }

    /// <summary>The phone's WebSocket.</summary>
    public WsConnection Connection { get; }

    private BinarySession BoundSession => (BinarySession)Bound;

    private PhoneRemoval Removal => (PhoneRemoval)Volatile.Read(ref _removal);

    /// <summary>Runs an upgraded phone connection from the registry decision to its end.</summary>
    public static async Task RunAsync(RelayRuntime rt, WsConnection connection, string serverId, string deviceName, string remote)
    {
        PhoneSession? session = null;
        rt.Sessions.TryAdd(connection, () =>
        {
            if (session is not null)
            {
                session.OnShutdown();
            }
            else
            {
                connection.RequestClose(WsCloseCodes.GoingAway, "shutting down");
            }
        });
        try
        {
            var registration = rt.Registry.RegisterPhone(serverId, (key, bound) => session = new PhoneSession(rt, connection, serverId, key, bound));
            switch (registration.Outcome)
            {
                case PhoneRegistrationOutcome.NoServer:
                    RelayLog.PhoneRegisterNoServer(rt.Logger, serverId, remote);
                    rt.Metrics.Upgrade(RelayEndpoint.Client, UpgradeOutcome.Reject404);
                    await RejectAsync(rt, connection, WsCloseCodes.NoServer, "no server with that id");
                    return;
                case PhoneRegistrationOutcome.AtCap:
                    RelayLog.PhoneRegisterAtCap(rt.Logger, serverId, remote);
                    rt.Metrics.Upgrade(RelayEndpoint.Client, UpgradeOutcome.Reject429);
                    await RejectAsync(rt, connection, WsCloseCodes.TooManyPhones, "too many phones for server-id");
                    return;
                case PhoneRegistrationOutcome.ShuttingDown:
                    await SessionIo.CloseAndDrainAsync(connection, WsCloseCodes.GoingAway, "shutting down");
                    rt.Metrics.Closed(RelayEndpoint.Client, CloseCause.Shutdown);
                    return;
            }

            session!._slot = registration.Slot!;
            RelayLog.PhoneRegistered(rt.Logger, serverId, session.ConnId, deviceName, remote);
            rt.Metrics.Upgrade(RelayEndpoint.Client, UpgradeOutcome.Accept);
            // Inlined (not a separate async method): one frame fewer suspended while the phone idles.
            connection.StartHeartbeat(session);
            (WsReceiveResult End, CloseCause Cause) ended;
            try
            {
                ended = await session.ReadLoopAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Defence in depth (fuzz finding F1): a reader bug must never skip the teardown and leak the phone's
                // registry slot. The connection is aborted and the phone ends as if its peer had gone.
                connection.Abort();
                ended = (new WsReceiveResult(WsReceiveStatus.Aborted), CloseCause.PeerGone);
            }

            await session.TeardownAsync(ended.End, ended.Cause);
        }
        finally
        {
            if (session?._slot is { } slot)
            {
                rt.Registry.Unregister(session, slot); // no-op after a normal teardown; a safety net otherwise
                session._outbox.Discard();
            }

            rt.Sessions.Remove(connection);
            connection.MarkEnded();
        }
    }

    private static async Task RejectAsync(RelayRuntime rt, WsConnection connection, int code, string reason)
    {
        await SessionIo.CloseAndDrainAsync(connection, code, reason);
        rt.Metrics.Closed(RelayEndpoint.Client, CloseCause.Rejected);
    }

    /// <inheritdoc />
    public void OnHeartbeatTimeout(WsConnection connection) =>
        CloseByRelay(WsCloseCodes.InternalError, "heartbeat timeout", PhoneRemoval.HeartbeatTimeout);

    private void OnShutdown() => CloseByRelay(WsCloseCodes.GoingAway, "shutting down", PhoneRemoval.Shutdown);

    /// <summary>
    /// A relay-initiated close that bypasses the queue: pending items are dropped and the close frame goes
    /// out after any frame being written. The reader then ends with the peer's close (or the close wait).
    /// </summary>
    public void CloseByRelay(int code, string reason, PhoneRemoval removal)
    {
        Interlocked.CompareExchange(ref _removal, (int)removal, (int)PhoneRemoval.None);
        CountDropped(_outbox.Discard(), DropReason.PhoneClosed);
        Connection.RequestClose(code, reason);
    }

    private void CountDropped(int count, DropReason reason)
    {
        for (var i = 0; i < count; i++)
        {
            _rt.Metrics.Dropped(Direction.BinaryToPhone, reason);
        }
    }
}
