using System.Net.WebSockets;
using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>A ClientWebSocket playing a binary or a phone, with timed receives.</summary>
public sealed class WsTestClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private WsTestClient(ClientWebSocket socket) => Socket = socket;

    /// <summary>The underlying socket.</summary>
    public ClientWebSocket Socket { get; }

    /// <summary>Connects as a binary with the standard test headers.</summary>
    public static Task<WsTestClient> ConnectBinaryAsync(TestRelay relay, string serverId = "s1", string path = "/v1/server") =>
        ConnectAsync(relay.WsUri(path), new()
        {
            ["X-Pyrycode-Server"] = serverId,
            ["X-Pyrycode-Version"] = "0.1.0-test",
            ["User-Agent"] = "pyry-test/0.1.0",
        });

    /// <summary>Connects as a phone with the standard test headers.</summary>
    public static Task<WsTestClient> ConnectPhoneAsync(TestRelay relay, string serverId = "s1", string path = "/v1/client", string? deviceName = null)
    {
        var headers = new Dictionary<string, string>
        {
            ["X-Pyrycode-Server"] = serverId,
            ["X-Pyrycode-Token"] = "phone-token-opaque",
            ["User-Agent"] = "pyry-phone-test/0.1.0",
        };
        if (deviceName is not null)
        {
            headers["X-Pyrycode-Device-Name"] = deviceName;
        }

        return ConnectAsync(relay.WsUri(path), headers);
    }

    /// <summary>Connects with exactly <paramref name="headers"/>.</summary>
    public static async Task<WsTestClient> ConnectAsync(Uri uri, Dictionary<string, string> headers)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        using var cts = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, cts.Token);
        return new WsTestClient(socket);
    }

    /// <summary>Sends one text message.</summary>
    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    /// <summary>Sends one message of raw bytes.</summary>
    public async Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(bytes, type, true, cts.Token);
    }

    /// <summary>Receives one whole message; fails if it is a close or does not come in time.</summary>
    public Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(TimeSpan? timeout = null) =>
        TimedWebSocket.ReceiveMessageAsync(Socket, timeout ?? DefaultTimeout);

    /// <summary>Receives one whole text message (asserting the text opcode); fails on a close or a timeout.</summary>
    public Task<string> ReceiveTextAsync(TimeSpan? timeout = null) => TimedWebSocket.ReceiveTextAsync(Socket, timeout ?? DefaultTimeout);

    /// <summary>Receives until a close frame; returns its code and reason; fails on a data message or timeout.</summary>
    public Task<(int Code, string Reason)> ReceiveCloseAsync(TimeSpan? timeout = null) => TimedWebSocket.ReceiveCloseAsync(Socket, timeout ?? DefaultTimeout);

    /// <summary>Receives one data message or a close frame.</summary>
    public Task<(WebSocketMessageType Type, byte[] Bytes, WebSocketCloseStatus? Status, string? Reason)> ReceiveAnyAsync(TimeSpan? timeout = null) =>
        TimedWebSocket.ReceiveAnyAsync(Socket, timeout ?? DefaultTimeout);

    /// <summary>Starts the closing handshake with <paramref name="code"/>.</summary>
    public async Task CloseAsync(WebSocketCloseStatus code = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.CloseAsync(code, reason, cts.Token);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Socket.Abort();
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
