using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>Connection-ending helpers shared by binary and phone sessions.</summary>
internal static class SessionIo
{
    /// <summary>The close reason of the graceful drain (docs/protocol.md#graceful-shutdown).</summary>
    public const string ShuttingDownReason = "shutting down";

    /// <summary>
    /// The close a session sends after its reader ended: <c>1000</c> with no reason, or <c>1001 shutting down</c> once
    /// the drain has begun — every connection is closed 1001 then, even one whose reader ended first because its
    /// peer was closed a moment earlier by the same drain.
    /// </summary>
    public static (int Code, string Reason) EndClose(bool shuttingDown) =>
        shuttingDown ? (WsCloseCodes.GoingAway, ShuttingDownReason) : (WsCloseCodes.Normal, "");

    /// <summary>
    /// Sends a close frame unless one was sent, then reads (discarding data) until the peer's close frame,
    /// the end of the connection or the close-handshake timeout.
    /// </summary>
    public static async Task CloseAndDrainAsync(WsConnection connection, int code, string reason)
    {
        if (!connection.CloseSent && !connection.IsAborted)
        {
            await connection.SendCloseAsync(code, reason);
        }

        await DrainAsync(connection);
    }

    /// <summary>Reads until the closing handshake is complete or the connection is gone.</summary>
    public static async Task DrainAsync(WsConnection connection)
    {
        while (!connection.CloseReceived && !connection.IsAborted)
        {
            var result = await connection.ReceiveAsync();
            if (result.Status is not WsReceiveStatus.Message)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Consumes a registry call made in a <c>finally</c> block without awaiting it there: an await in a finally
    /// enlarges the connection's async frame, which stays alive while the connection idles. The in-memory
    /// registry has completed the call already; a pending call of a shared registry completes in the background.
    /// </summary>
    public static void Detach(ValueTask<bool> pending)
    {
        if (pending.IsCompleted)
        {
            _ = pending.Result;
        }
        else
        {
            _ = pending.AsTask();
        }
    }

    /// <summary>The connection_closes_total cause for how a reader ended.</summary>
    public static CloseCause CauseOf(WsReceiveResult end, WsConnection connection) => end.Status switch
    {
        WsReceiveStatus.PeerClosed => CloseCause.PeerClosed,
        WsReceiveStatus.TooBig => CloseCause.TooBig,
        WsReceiveStatus.ReadTimeout => CloseCause.ReadTimeout,
        WsReceiveStatus.ProtocolError => CloseCause.ProtocolError,
        WsReceiveStatus.Aborted when connection.AbortCause == WsAbortCause.WriteTimeout => CloseCause.WriteFailed,
        _ => CloseCause.PeerGone,
    };

    /// <summary>The fixed <c>err</c> text of a <c>*_read_end</c> log line for how a reader ended.</summary>
    public static string ReadEndError(WsReceiveResult end) => end.Status switch
    {
        WsReceiveStatus.PeerClosed => "relay: peer closed the connection",
        WsReceiveStatus.CloseAcknowledged => "relay: connection closed by the relay",
        WsReceiveStatus.TooBig => "relay: message too big",
        WsReceiveStatus.ReadTimeout => "relay: message read timeout",
        WsReceiveStatus.ProtocolError => "relay: websocket protocol error",
        WsReceiveStatus.Aborted => "relay: connection aborted",
        _ => "relay: connection lost",
    };
}
