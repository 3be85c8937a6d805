using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>
/// One binary connection: its claim (protocol.md §5.1–5.2), its reader that routes envelopes to phones
/// without ever waiting for one (§7), and its release into grace (§5.3).
/// </summary>
internal sealed partial class BinarySession : IRegisteredBinary, IHeartbeatOwner
{
    private readonly RelayRuntime _rt;
    private readonly string _version;
    private readonly string _remote;
    private readonly byte[] _serverIdUtf8;
    private ServerSlot _slot = null!;
    private volatile bool _displaced;
    private volatile bool _heartbeatTimedOut;
    private volatile bool _shutdownClosed;

    private BinarySession(RelayRuntime rt, WsConnection connection, string serverId, string version, string remote)
    {
        _rt = rt;
        Connection = connection;
        ServerId = serverId;
        _version = version;
        _remote = remote;
        BinaryConnId = Codec.ConnIds.NewBinaryConnId(serverId);
        _serverIdUtf8 = System.Text.Encoding.UTF8.GetBytes(serverId);
    }

    /// <inheritdoc />
    public string ServerId { get; }

    /// <summary>The binary connection id (logs only).</summary>
    public string BinaryConnId { get; }

    /// <summary>The binary's WebSocket.</summary>
    public WsConnection Connection { get; }

    /// <summary>Runs an upgraded binary connection from the claim to its end.</summary>
    public static Task RunAsync(RelayRuntime rt, WsConnection connection, string serverId, string version, string remote)
    {
        var session = new BinarySession(rt, connection, serverId, version, remote);
        rt.Sessions.TryAdd(connection, () =>
        {
            session._shutdownClosed = true;
            connection.RequestClose(WsCloseCodes.GoingAway, "shutting down");
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
            _rt.Registry.Release(this); // no-op after a normal end (or when not holder); a safety net otherwise
            _rt.Sessions.Remove(Connection);
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

    /// <summary>Displaced by a takeover: closed 1011 <c>heartbeat timeout</c>; its teardown leaves the registry alone.</summary>
    public void Displace()
    {
        _displaced = true;
        Connection.RequestClose(WsCloseCodes.InternalError, "heartbeat timeout");
    }

    private async Task EndServingAsync(WsReceiveResult end)
    {
        Connection.StopHeartbeat();
        RelayLog.BinaryForwarderReadEnd(_rt.Logger, ServerId, BinaryConnId, SessionIo.ReadEndError(end));
        if (_rt.Registry.Release(this))
        {
            RelayLog.ServerReleased(_rt.Logger, ServerId);
        }

        await SessionIo.CloseAndDrainAsync(Connection, WsCloseCodes.Normal, "");
        _rt.Metrics.Closed(RelayEndpoint.Server, _displaced || _heartbeatTimedOut ? CloseCause.HeartbeatTimeout
            : _shutdownClosed ? CloseCause.Shutdown
            : SessionIo.CauseOf(end, Connection));
    }
}
