using System.Net.WebSockets;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>Timed whole-message receives on a <see cref="ClientWebSocket"/>, shared by the test clients.</summary>
internal static class TimedWebSocket
{
    /// <summary>Receives one whole data message or a close frame; a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Bytes, WebSocketCloseStatus? Status, string? Reason)> ReceiveAnyAsync(
        ClientWebSocket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no message within the timeout");
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, [], socket.CloseStatus, socket.CloseStatusDescription);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray(), null, null);
            }
        }
    }

    /// <summary>Receives one whole data message; fails on a close frame or a timeout.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveMessageAsync(ClientWebSocket socket, TimeSpan timeout)
    {
        var (type, bytes, status, reason) = await ReceiveAnyAsync(socket, timeout);
        if (type == WebSocketMessageType.Close)
        {
            throw new InvalidOperationException($"expected a message, got close {(int?)status} '{reason}'");
        }

        return (type, bytes);
    }

    /// <summary>Receives one whole text message (asserting the text opcode); fails on a close frame or a timeout.</summary>
    public static async Task<string> ReceiveTextAsync(ClientWebSocket socket, TimeSpan timeout)
    {
        var (type, bytes) = await ReceiveMessageAsync(socket, timeout);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Receives a close frame and returns its code and reason; fails on a data message or a timeout.</summary>
    public static async Task<(int Code, string Reason)> ReceiveCloseAsync(ClientWebSocket socket, TimeSpan timeout)
    {
        var (type, bytes, status, reason) = await ReceiveAnyAsync(socket, timeout);
        if (type != WebSocketMessageType.Close)
        {
            throw new InvalidOperationException($"expected close, got {type} '{Encoding.UTF8.GetString(bytes)}'");
        }

        return ((int)(status ?? 0), reason ?? "");
    }
}
