namespace PyrycodeRelay.WebSockets;

/// <summary>Outcome of one <see cref="WsConnection.ReceiveAsync"/> call.</summary>
internal readonly record struct WsReceiveResult(WsReceiveStatus Status, int PeerCloseCode = 0)
{
    /// <summary>Whether a data message was received (as opposed to the end of the connection).</summary>
    public bool IsMessage => Status == WsReceiveStatus.Message;
}
