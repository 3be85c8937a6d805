using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// One registered phone: its reader forwards frames to the bound binary (docs/protocol.md#phone-to-binary), its outbox
/// delivers the binary's frames and directives (#routing-and-delivery, #close-directives, #phone-outbox), and its teardown sends the close
/// notice (#close-notice) and unregisters it (#end-of-a-phone-connection).
/// </summary>
internal sealed partial class PhoneSession : PhonePeer, IHeartbeatOwner
{
    private readonly SessionContext _ctx;
    private readonly byte[] _envelopePrefix;
    private readonly byte[] _connIdUtf8;
    private readonly PhoneOutbox _outbox;
    private readonly PhoneBinding<BinaryPeer, PhonePeer> _binding;
    private readonly TenantOutbox _tenant;
    private int _removal;              // PhoneRemoval, first writer wins
    private volatile bool _noNotice;   // a directive was accepted or overflowed

    private PhoneSession(SessionContext ctx, WsConnection connection, PhoneBinding<BinaryPeer, PhonePeer> binding)
    {
        _ctx = ctx;
        Connection = connection;
        _binding = binding;
        ConnId = Codec.ConnIds.Format(binding.Slot.ServerId, binding.Key);
        _connIdUtf8 = System.Text.Encoding.UTF8.GetBytes(ConnId);
        _envelopePrefix = EnvelopeWriter.CreateFramePrefix(_connIdUtf8);
        _tenant = binding.Slot.Attachment(() => new TenantOutbox(ctx.ServerOutboxBytes));
        _outbox = new PhoneOutbox(ctx.PhoneOutboxBytes, ctx.Budget, _tenant.Budget);
        ctx.Shedder.Add(_tenant, this);
    }

    /// <inheritdoc />
    public override PhoneBinding<BinaryPeer, PhonePeer> Binding => _binding;

    /// <summary>The server-id it named.</summary>
    public string ServerId => _binding.Slot.ServerId;

    /// <inheritdoc />
    public override string ConnId { get; }

    /// <summary>The phone's WebSocket.</summary>
    public WsConnection Connection { get; }

    private PhoneRemoval Removal => (PhoneRemoval)Volatile.Read(ref _removal);

    /// <summary>Runs an upgraded phone connection from the registry decision to its end.</summary>
    /// <remarks>
    /// Not async on purpose: the in-memory registry decides synchronously, and then the only async frame alive
    /// while the phone idles is <see cref="ServeAsync"/>'s (idle heap, bench/performance-notes.md).
    /// </remarks>
    public static Task RunAsync(SessionContext ctx, WsConnection connection, string serverId, string deviceName, string remote)
    {
        PhoneSession? session = null;
        ctx.Tracker.Add(connection, () =>
        {
            if (session is not null)
            {
                session.OnShutdown();
            }
            else
            {
                connection.RequestClose(WsCloseCodes.GoingAway, SessionIo.ShuttingDownReason);
            }
        });
        ValueTask<PhoneRegistration<PhonePeer>> registering;
        try
        {
            registering = ctx.Registry.RegisterPhoneAsync(serverId, binding => session = new PhoneSession(ctx, connection, binding));
        }
        catch
        {
            Ended(ctx, connection, session);
            throw;
        }

        return registering.IsCompletedSuccessfully
            ? Admit(ctx, connection, registering.Result, serverId, deviceName, remote)
            : AdmitAsync(ctx, connection, registering, serverId, deviceName, remote);
    }

    private static async Task AdmitAsync(
        SessionContext ctx, WsConnection connection, ValueTask<PhoneRegistration<PhonePeer>> registering, string serverId, string deviceName, string remote)
    {
        PhoneRegistration<PhonePeer> registration;
        try
        {
            registration = await registering;
        }
        catch
        {
            Ended(ctx, connection, null); // the factory runs only when the registration succeeds
            throw;
        }

        await Admit(ctx, connection, registration, serverId, deviceName, remote);
    }

    private static Task Admit(SessionContext ctx, WsConnection connection, PhoneRegistration<PhonePeer> registration, string serverId, string deviceName, string remote)
    {
        try
        {
            switch (registration.Outcome)
            {
                case PhoneRegistrationOutcome.NoServer:
                    RelayLog.PhoneRegisterNoServer(ctx.Logger, serverId, remote);
                    ctx.Metrics.Upgrade(RelayEndpoint.Client, UpgradeOutcome.Reject404);
                    return RejectAsync(ctx, connection, WsCloseCodes.NoServer, "no server with that id", CloseCause.Rejected);
                case PhoneRegistrationOutcome.AtCap:
                    RelayLog.PhoneRegisterAtCap(ctx.Logger, serverId, remote);
                    ctx.Metrics.Upgrade(RelayEndpoint.Client, UpgradeOutcome.Reject429);
                    return RejectAsync(ctx, connection, WsCloseCodes.TooManyPhones, "too many phones for server-id", CloseCause.Rejected);
                case PhoneRegistrationOutcome.ShuttingDown:
                    return RejectAsync(ctx, connection, WsCloseCodes.GoingAway, SessionIo.ShuttingDownReason, CloseCause.Shutdown);
            }

            var session = (PhoneSession)registration.Phone!;
            RelayLog.PhoneRegistered(ctx.Logger, serverId, session.ConnId, deviceName, remote);
            ctx.Metrics.Upgrade(RelayEndpoint.Client, UpgradeOutcome.Accept);
            return session.ServeAsync();
        }
        catch
        {
            Ended(ctx, connection, registration.Phone as PhoneSession);
            throw;
        }
    }

    private static async Task RejectAsync(SessionContext ctx, WsConnection connection, int code, string reason, CloseCause cause)
    {
        try
        {
            await SessionIo.CloseAndDrainAsync(connection, code, reason);
            ctx.Metrics.Closed(RelayEndpoint.Client, cause);
        }
        finally
        {
            await connection.RetireWriterAsync(); // before Kestrel completes the output (a late drain close then writes nothing)
            Ended(ctx, connection, null);
        }
    }

    private async Task ServeAsync()
    {
        try
        {
            Connection.StartHeartbeat(this);
            ArmFirstFrameTimer();
            (WsReceiveResult End, CloseCause Cause) ended;
            try
            {
                ended = await ReadLoopAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Defence in depth (fuzz finding F1): a reader bug must never skip the teardown and leak the phone's
                // registry slot. The connection is aborted and the phone ends as if its peer had gone.
                Connection.Abort();
                ended = (new WsReceiveResult(WsReceiveStatus.Aborted), CloseCause.PeerGone);
            }

            DisarmFirstFrameTimer();
            await TeardownAsync(ended.End, ended.Cause);
        }
        finally
        {
            await Connection.RetireWriterAsync(); // before Kestrel completes the output (a late drain close then writes nothing)
            Ended(_ctx, Connection, this);
        }
    }

    /// <summary>
    /// The last step on every path: a registered phone leaves the registry (a no-op after its teardown, a safety
    /// net otherwise) with its outbox emptied, and the connection is no longer tracked.
    /// </summary>
    private static void Ended(SessionContext ctx, WsConnection connection, PhoneSession? session)
    {
        if (session is not null)
        {
            SessionIo.Detach(ctx.Registry.UnregisterAsync(session));
            session._outbox.Discard();
            ctx.Shedder.Remove(session._tenant, session);
        }

        ctx.Tracker.Remove(connection);
        connection.MarkEnded();
    }
}
