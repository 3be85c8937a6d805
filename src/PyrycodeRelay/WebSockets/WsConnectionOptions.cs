namespace PyrycodeRelay.WebSockets;

/// <summary>Per-connection limits of the framing layer (docs/protocol.md#framing-and-limits, #heartbeat).</summary>
public sealed record WsConnectionOptions
{
    /// <summary>Largest reassembled inbound message (<c>--max-message-bytes</c>).</summary>
    public int MaxMessageBytes { get; init; } = 262144;

    /// <summary>A started message must complete within this (<c>--message-read-timeout</c>).</summary>
    public TimeSpan MessageReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every outbound write must complete within this (<c>--write-timeout</c>).</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After sending a close frame, how long to wait for the peer's.</summary>
    public TimeSpan CloseHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Heartbeat ping interval (<c>--heartbeat-interval</c>).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for a heartbeat Pong (<c>--heartbeat-timeout</c>).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock for every deadline.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
