namespace PyrycodeRelay.WebSockets;

/// <summary>Why the relay aborted a connection's transport.</summary>
internal enum WsAbortCause
{
    /// <summary>Not aborted by the relay.</summary>
    None,

    /// <summary>Per-message read deadline.</summary>
    ReadTimeout,

    /// <summary>An outbound write did not complete in time.</summary>
    WriteTimeout,

    /// <summary>The peer did not answer the relay's close frame in time.</summary>
    CloseTimeout,

    /// <summary>A protocol violation.</summary>
    ProtocolError,

    /// <summary>Aborted by the owner (shutdown deadline, teardown).</summary>
    Requested,
}
