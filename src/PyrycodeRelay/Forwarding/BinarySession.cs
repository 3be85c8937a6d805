using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// One binary connection: its claim (docs/protocol.md#binary-claim, #conflict-probe-and-takeover), its reader that routes envelopes to phones
/// without ever waiting for one (#binary-to-phone), and its release into grace (#grace-reclaim-and-expiry).
/// </summary>
internal sealed partial class BinarySession : BinaryPeer, IHeartbeatOwner
{
    private readonly SessionContext _ctx;
    private readonly string _version;
    private readonly string _remote;
    private readonly byte[] _serverIdUtf8;
    private readonly BinaryOrigin _origin;
    private ServerSlot<BinaryPeer, PhonePeer> _slot = null!;
    private volatile bool _displaced;
    private volatile bool _heartbeatTimedOut;
    private volatile bool _shutdownClosed;

    private BinarySession(SessionContext ctx, WsConnection connection, string serverId, string version, string remote, BinaryOrigin origin)
    {
        _origin = origin;
        _ctx = ctx;
        Connection = connection;
        ServerId = serverId;
        _version = LogText.Cap(version); // attacker-controlled, logged: capped (and not kept whole)
        _remote = remote;
        BinaryConnId = Codec.ConnIds.NewBinaryConnId(serverId);
        _serverIdUtf8 = System.Text.Encoding.UTF8.GetBytes(serverId);
    }

    /// <inheritdoc />
    public override string ServerId { get; }

    /// <summary>The binary connection id (logs only).</summary>
    public string BinaryConnId { get; }

    /// <summary>The binary's WebSocket.</summary>
    public WsConnection Connection { get; }

    /// <inheritdoc />
    public override byte[]? ServerKeyHash => _origin.KeyHash;

    /// <summary>The fingerprint of the source network it connected from (docs/operations.md#server-keys).</summary>
    public override string SourceFp => _origin.SourceFp;

    /// <inheritdoc />
    public override Task<bool> ProbeAsync(TimeSpan timeout) => Connection.ProbeAsync(timeout);

    /// <inheritdoc />
    public override ValueTask<bool> SendPhoneFrameAsync(PhonePeer phone, ReadOnlyMemory<byte> envelopePrefix, ReadOnlyMemory<byte> frame) =>
        Connection.SendTextAsync(envelopePrefix, frame, EnvelopeSuffix);

    /// <inheritdoc />
    public override ValueTask<bool> SendCloseNoticeAsync(PhonePeer phone, ReadOnlyMemory<byte> notice) => Connection.SendTextAsync(notice);

    private static readonly ReadOnlyMemory<byte> EnvelopeSuffix = new byte[] { (byte)'}' };

    /// <summary>The binary's source (IPv4 address or IPv6 /64) for the per-source push limits; empty when unknown.</summary>
    public string Source { get; private init; } = "";

    /// <summary>Runs an upgraded binary connection from the claim to its end.</summary>
    public static Task RunAsync(SessionContext ctx, WsConnection connection, string serverId, string version, string remote, BinaryOrigin origin, string source = "")
    {
        var session = new BinarySession(ctx, connection, serverId, version, remote, origin) { Source = source };
        ctx.Tracker.Add(connection, () =>
        {
            session._shutdownClosed = true;
            connection.RequestClose(WsCloseCodes.GoingAway, SessionIo.ShuttingDownReason);
        });
        return session.RunCoreAsync();
    }

    // One async frame for the whole connection (claim, serve, teardown): every frame suspended while the
    // connection idles costs heap per connection (bench/performance-notes.md, idle memory).
    private async Task RunCoreAsync()
    {
        try
        {
            if (await ClaimAsync())
            {
                Connection.StartHeartbeat(this);
                WsReceiveResult end;
                try
                {
                    end = await ReadLoopAsync();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Defence in depth (fuzz finding F1): a reader bug must never keep the server-id claimed.
                    Connection.Abort();
                    end = new WsReceiveResult(WsReceiveStatus.Aborted);
                }

                await EndServingAsync(end);
            }
        }
        finally
        {
            SessionIo.Detach(_ctx.Registry.ReleaseAsync(this)); // no-op after a normal end (or when not holder); a safety net otherwise
            _ctx.Tracker.Remove(Connection);
            await Connection.RetireWriterAsync(); // before Kestrel completes the output (a late drain close then writes nothing)
            Connection.MarkEnded();
        }
    }

    /// <inheritdoc />
    public void OnHeartbeatTimeout(WsConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _heartbeatTimedOut = true;
        connection.RequestClose(WsCloseCodes.InternalError, "heartbeat timeout");
    }

    /// <inheritdoc />
    public override void CloseLeaseLost()
    {
        _displaced = true;
        Connection.RequestClose(WsCloseCodes.InternalError, "cluster lease lost");
    }

    /// <inheritdoc />
    public override void Displace()
    {
        _displaced = true;
        Connection.RequestClose(WsCloseCodes.InternalError, "heartbeat timeout");
    }

    private async Task EndServingAsync(WsReceiveResult end)
    {
        Connection.StopHeartbeat();
        RelayLog.BinaryForwarderReadEnd(_ctx.Logger, ServerId, BinaryConnId, SessionIo.ReadEndError(end));
        ReportSuppressed();
        if (await _ctx.Registry.ReleaseAsync(this))
        {
            RelayLog.ServerReleased(_ctx.Logger, ServerId);
        }

        var (code, reason) = SessionIo.EndClose(_ctx.ShuttingDown);
        await SessionIo.CloseAndDrainAsync(Connection, code, reason);
        _ctx.Metrics.Closed(RelayEndpoint.Server, _displaced || _heartbeatTimedOut ? CloseCause.HeartbeatTimeout
            : _shutdownClosed ? CloseCause.Shutdown
            : SessionIo.CauseOf(end, Connection));
    }
}
