using System.Net.WebSockets;
using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>A ClientWebSocket (ws:// or wss://) playing a binary or a phone, with timed receives.</summary>
internal sealed class E2eWs : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpMessageInvoker _invoker;

    private E2eWs(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        Socket = socket;
        _invoker = invoker;
    }

    public ClientWebSocket Socket { get; }

    public static Dictionary<string, string> BinaryHeaders(string serverId) => new()
    {
        ["X-Pyrycode-Server"] = serverId,
        ["X-Pyrycode-Version"] = "0.1.0-test",
        ["User-Agent"] = "pyry-test/0.1.0",
    };

    public static Dictionary<string, string> PhoneHeaders(string serverId) => new()
    {
        ["X-Pyrycode-Server"] = serverId,
        ["X-Pyrycode-Token"] = "phone-token-opaque",
        ["User-Agent"] = "pyry-phone-test/0.1.0",
    };

    public static Task<E2eWs> ConnectBinaryAsync(E2eTarget target, string serverId = "s1", string path = "/v1/server") =>
        ConnectAsync(target, path, BinaryHeaders(serverId));

    public static Task<E2eWs> ConnectPhoneAsync(E2eTarget target, string serverId = "s1", string path = "/v1/client") =>
        ConnectAsync(target, path, PhoneHeaders(serverId));

    /// <summary>Upgrades with exactly <paramref name="headers"/>; throws <see cref="WebSocketException"/> on a non-101.</summary>
    public static async Task<E2eWs> ConnectAsync(E2eTarget target, string path, Dictionary<string, string> headers)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        var invoker = new HttpMessageInvoker(target.Handler());
        try
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(target.Uri(path), invoker, cts.Token);
            return new E2eWs(socket, invoker);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
    }

    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(bytes, type, true, cts.Token);
    }

    /// <summary>Receives one whole text message (asserting the text opcode); fails on a close or a timeout.</summary>
    public Task<string> ReceiveTextAsync(TimeSpan? timeout = null) => TimedWebSocket.ReceiveTextAsync(Socket, timeout ?? DefaultTimeout);

    /// <summary>Receives until a close frame; returns its code and reason; fails on a data message or timeout.</summary>
    public Task<(int Code, string Reason)> ReceiveCloseAsync(TimeSpan? timeout = null) => TimedWebSocket.ReceiveCloseAsync(Socket, timeout ?? DefaultTimeout);

    /// <summary>Receives one data message or a close frame.</summary>
    public Task<(WebSocketMessageType Type, byte[] Bytes, WebSocketCloseStatus? Status, string? Reason)> ReceiveAnyAsync(TimeSpan? timeout = null) =>
        TimedWebSocket.ReceiveAnyAsync(Socket, timeout ?? DefaultTimeout);

    /// <summary>Answers a received close frame (completes the closing handshake from the client side).</summary>
    public async Task AnswerCloseAsync()
    {
        if (Socket.State == WebSocketState.CloseReceived)
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
        }
    }

    /// <summary>
    /// Keeps reading in the background, as a real client does: expects the next thing to be a close frame,
    /// answers it, and returns its code and reason.
    /// </summary>
    public Task<(int Code, string Reason)> ReadUntilCloseAsync(TimeSpan? timeout = null) => Task.Run(async () =>
    {
        var close = await ReceiveCloseAsync(timeout ?? TimeSpan.FromSeconds(30));
        await AnswerCloseAsync();
        return close;
    });

    /// <summary>Starts the closing handshake and waits for the relay's close frame.</summary>
    public async Task CloseAsync(WebSocketCloseStatus code = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.CloseAsync(code, reason, cts.Token);
    }

    public ValueTask DisposeAsync()
    {
        Socket.Abort();
        Socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }
}
