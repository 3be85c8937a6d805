namespace PyrycodeRelay.WebSockets;

/// <summary>What <see cref="WsConnection.ReceiveAsync"/> produced.</summary>
internal enum WsReceiveStatus
{
    /// <summary>A complete data message is in <see cref="WsConnection.Message"/>.</summary>
    Message,

    /// <summary>The peer started the closing handshake; the relay has answered it.</summary>
    PeerClosed,

    /// <summary>The peer answered the relay's close frame.</summary>
    CloseAcknowledged,

    /// <summary>The connection ended without a close frame (EOF, reset, read error).</summary>
    PeerGone,

    /// <summary>An inbound message exceeded the size limit; the relay sent 1009.</summary>
    TooBig,

    /// <summary>A started message did not complete in time; the connection was aborted.</summary>
    ReadTimeout,

    /// <summary>The peer violated RFC 6455; the relay sent 1002 and aborted.</summary>
    ProtocolError,

    /// <summary>The relay aborted the connection (write timeout, close-handshake timeout, shutdown).</summary>
    Aborted,
}
