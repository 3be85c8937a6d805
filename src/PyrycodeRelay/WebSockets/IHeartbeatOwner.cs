namespace PyrycodeRelay.WebSockets;

/// <summary>
/// Receives a connection's heartbeat timeout. The owner (a session) implements it so that starting the
/// heartbeat allocates no delegate per connection (idle memory, bench/performance-notes.md).
/// </summary>
internal interface IHeartbeatOwner
{
    /// <summary>Called (on a timer thread) when the Pong for the last heartbeat Ping did not arrive in time.</summary>
    void OnHeartbeatTimeout(WsConnection connection);
}
