using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.WebSockets;

/// <summary>Per-connection limits of the framing layer (docs/protocol.md#framing-and-limits, docs/protocol.md#heartbeat); built from <see cref="RelayOptions"/>.</summary>
internal sealed record WsConnectionOptions
{
    /// <summary>Largest reassembled inbound message (<c>--max-message-bytes</c>).</summary>
    public required int MaxMessageBytes { get; init; }

    /// <summary>A started message must complete within this (<c>--message-read-timeout</c>).</summary>
    public required TimeSpan MessageReadTimeout { get; init; }

    /// <summary>Every outbound write must complete within this (<c>--write-timeout</c>).</summary>
    public required TimeSpan WriteTimeout { get; init; }

    /// <summary>After sending a close frame, how long to wait for the peer's.</summary>
    public required TimeSpan CloseHandshakeTimeout { get; init; }

    /// <summary>Heartbeat ping interval (<c>--heartbeat-interval</c>).</summary>
    public required TimeSpan HeartbeatInterval { get; init; }

    /// <summary>Time allowed for a heartbeat Pong (<c>--heartbeat-timeout</c>).</summary>
    public required TimeSpan HeartbeatTimeout { get; init; }

    /// <summary>Clock for every deadline.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>The framing limits carried by the relay's options.</summary>
    public static WsConnectionOptions From(RelayOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        return new WsConnectionOptions
        {
            MaxMessageBytes = options.MaxMessageBytes,
            MessageReadTimeout = options.MessageReadTimeout,
            WriteTimeout = options.WriteTimeout,
            CloseHandshakeTimeout = options.CloseHandshakeTimeout,
            HeartbeatInterval = options.HeartbeatInterval,
            HeartbeatTimeout = options.HeartbeatTimeout,
            Time = time,
        };
    }
}
