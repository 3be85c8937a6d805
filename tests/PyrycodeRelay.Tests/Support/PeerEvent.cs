using System.Net.WebSockets;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>What a <see cref="WsTestClient"/>'s background reader received: a data message, a close frame, or the end of the connection.</summary>
internal sealed record PeerEvent(WebSocketMessageType? Type, byte[] Bytes, int? CloseCode, string? CloseReason, string? Error)
{
    /// <summary>Whether this is a data message.</summary>
    public bool IsMessage => Type is WebSocketMessageType.Text or WebSocketMessageType.Binary;

    /// <summary>Whether this is a close frame.</summary>
    public bool IsClose => Type == WebSocketMessageType.Close;

    /// <summary>The payload as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <inheritdoc />
    public override string ToString() =>
        IsMessage ? $"{Type} '{(Bytes.Length > 200 ? Text[..200] + "…" : Text)}'"
        : IsClose ? $"close {CloseCode} '{CloseReason}'"
        : $"ended ({Error})";
}
