using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace PyrycodeRelay.Tests.Support;

/// <summary>Receiving: on demand from the socket, or from the background reader's queue once it runs.</summary>
internal sealed partial class WsTestClient
{
    /// <summary>Starts the background reader (idempotent).</summary>
    public void StartReading() => _loop ??= Task.Run(LoopAsync);

    /// <summary>Starts the background reader if needed; completes when the connection has ended (close answered, or aborted).</summary>
    public Task ReadToEndAsync()
    {
        StartReading();
        return _loop!;
    }

    /// <summary>The next event from the background reader (started if needed); a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<PeerEvent> NextAsync(TimeSpan? timeout = null)
    {
        StartReading();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _events.Reader.ReadAsync(cts.Token);
        }
        catch (ChannelClosedException)
        {
            return new PeerEvent(null, [], null, null, "nothing more: the receive loop has ended");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("nothing received within the timeout");
        }
    }

    /// <summary>Asserts that nothing at all (message, close, end) arrives within <paramref name="window"/> (starts the background reader).</summary>
    public async Task AssertSilentAsync(TimeSpan window)
    {
        StartReading();
        using var cts = new CancellationTokenSource(window);
        try
        {
            var e = await _events.Reader.ReadAsync(cts.Token);
            Assert.Fail("expected nothing, got " + e);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Receives one whole data message or a close frame; a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<(WebSocketMessageType Type, byte[] Bytes, WebSocketCloseStatus? Status, string? Reason)> ReceiveAnyAsync(TimeSpan? timeout = null)
    {
        if (_loop is null)
        {
            return await ReceiveDirectAsync(timeout ?? DefaultTimeout);
        }

        var e = await NextAsync(timeout);
        return e.IsMessage ? (e.Type!.Value, e.Bytes, null, null)
            : e.IsClose ? (WebSocketMessageType.Close, [], (WebSocketCloseStatus?)e.CloseCode, e.CloseReason)
            : throw new InvalidOperationException("expected a message or a close frame, got " + e);
    }

    /// <summary>Receives one whole data message; fails on a close frame or a timeout.</summary>
    public async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(TimeSpan? timeout = null)
    {
        var (type, bytes, status, reason) = await ReceiveAnyAsync(timeout);
        if (type == WebSocketMessageType.Close)
        {
            throw new InvalidOperationException($"expected a message, got close {(int?)status} '{reason}'");
        }

        return (type, bytes);
    }

    /// <summary>Receives one whole text message (asserting the text opcode); fails on a close frame or a timeout.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var (type, bytes) = await ReceiveAsync(timeout);
        Assert.True(type == WebSocketMessageType.Text, $"expected a text message, got {type} '{Encoding.UTF8.GetString(bytes)}'");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Receives a close frame and returns its code and reason; fails on a data message or a timeout.</summary>
    public async Task<(int Code, string Reason)> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        var (type, bytes, status, reason) = await ReceiveAnyAsync(timeout);
        if (type != WebSocketMessageType.Close)
        {
            throw new InvalidOperationException($"expected close, got {type} '{Encoding.UTF8.GetString(bytes)}'");
        }

        return ((int)(status ?? 0), reason ?? "");
    }

    /// <summary>Receives the relay's close frame, asserts its code AND reason, and answers it (completing the handshake).</summary>
    public async Task ExpectCloseAsync(int code, string reason, TimeSpan? timeout = null)
    {
        Assert.Equal((code, reason), await ReceiveCloseAsync(timeout));
        await AnswerCloseAsync();
    }

    /// <summary>
    /// Keeps a receive pending in the background, as a real client does (Pings are answered): expects the next thing
    /// to be a close frame, answers it, and returns its code and reason.
    /// </summary>
    public Task<(int Code, string Reason)> ReadUntilCloseAsync(TimeSpan? timeout = null) => Task.Run(async () =>
    {
        var close = await ReceiveCloseAsync(timeout ?? TimeSpan.FromSeconds(30));
        await AnswerCloseAsync();
        return close;
    });

    private async Task<(WebSocketMessageType Type, byte[] Bytes, WebSocketCloseStatus? Status, string? Reason)> ReceiveDirectAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await Socket.ReceiveAsync(buffer.AsMemory(), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no message within the timeout");
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, [], Socket.CloseStatus, Socket.CloseStatusDescription);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, message.ToArray(), null, null);
            }
        }
    }

    private async Task LoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _events.Writer.TryWrite(new PeerEvent(WebSocketMessageType.Close, [], (int?)Socket.CloseStatus, Socket.CloseStatusDescription, null));
                    if (Socket.State == WebSocketState.CloseReceived)
                    {
                        // Like a browser or the mobile app: answer the relay's close frame with the same code.
                        using var cts = new CancellationTokenSource(DefaultTimeout);
                        await Socket.CloseOutputAsync(Socket.CloseStatus ?? WebSocketCloseStatus.Empty, "", cts.Token);
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _events.Writer.TryWrite(new PeerEvent(result.MessageType, message.ToArray(), null, null, null));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _events.Writer.TryWrite(new PeerEvent(null, [], null, null, ex.GetType().Name + ": " + ex.Message));
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }
}
