namespace PyrycodeRelay.WebSockets;

/// <summary>RFC 6455 §5.2 opcodes.</summary>
internal enum WsOpcode : byte
{
    /// <summary>Continuation of a fragmented data message.</summary>
    Continuation = 0x0,

    /// <summary>Text data.</summary>
    Text = 0x1,

    /// <summary>Binary data.</summary>
    Binary = 0x2,

    /// <summary>Connection close.</summary>
    Close = 0x8,

    /// <summary>Ping.</summary>
    Ping = 0x9,

    /// <summary>Pong.</summary>
    Pong = 0xA,
}
