using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A <see cref="ClientWebSocket"/> playing a binary or a phone (ws:// or wss:// through a <see cref="RelayTarget"/>),
/// with a timeout on every wait. It reads in one of two ways: on demand (the default: nothing is read until a
/// receive, so the client can play one that never reads, never answers a Ping, and completes a close handshake
/// itself), or with a background reader (<c>read: true</c>, <see cref="StartReading"/>, or the first
/// <see cref="NextAsync"/>/<see cref="AssertSilentAsync"/>) that always has a receive pending, answers Pings and the
/// relay's close frame as an app does, and queues what arrives for the receive methods.
/// </summary>
internal sealed partial class WsTestClient : IAsyncDisposable
{
    /// <summary>How long a connect, send or receive waits unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpMessageInvoker _invoker;
    private readonly Channel<PeerEvent> _events = Channel.CreateUnbounded<PeerEvent>();
    private Task? _loop;

    private WsTestClient(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        Socket = socket;
        _invoker = invoker;
    }

    /// <summary>The socket.</summary>
    public ClientWebSocket Socket { get; }

    /// <summary>
    /// Upgrades <paramref name="path"/> on <paramref name="target"/> with exactly <paramref name="headers"/> (a
    /// <see cref="WebSocketException"/> on a non-101); starts the background reader when <paramref name="read"/>.
    /// A <paramref name="receiveBuffer"/> fixes SO_RCVBUF, so a client that does not read stalls the relay's writes.
    /// </summary>
    public static async Task<WsTestClient> ConnectAsync(RelayTarget target, string path, IEnumerable<KeyValuePair<string, string>> headers,
        bool read = false, int? receiveBuffer = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(headers);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        var invoker = new HttpMessageInvoker(target.Handler(receiveBuffer));
        try
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(target.Uri(path), invoker, cts.Token);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }

        var client = new WsTestClient(socket, invoker);
        if (read)
        {
            client.StartReading();
        }

        return client;
    }

    /// <summary>Connects a binary with <see cref="ClientHeaders.Binary"/>.</summary>
    public static Task<WsTestClient> ConnectBinaryAsync(RelayTarget target, string serverId = "s1", string path = "/v1/server", bool read = false) =>
        ConnectAsync(target, path, ClientHeaders.Binary(serverId), read);

    /// <summary>Connects a phone with <see cref="ClientHeaders.Phone"/>.</summary>
    public static Task<WsTestClient> ConnectPhoneAsync(RelayTarget target, string serverId = "s1", string path = "/v1/client",
        string? deviceName = null, bool read = false, int? receiveBuffer = null) =>
        ConnectAsync(target, path, ClientHeaders.Phone(serverId, deviceName), read, receiveBuffer);

    /// <summary>Sends one text message.</summary>
    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends one message of raw bytes.</summary>
    public async Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(bytes, type, true, cts.Token);
    }

    /// <summary>Starts the closing handshake with <paramref name="code"/> and waits for the relay's close frame.</summary>
    public async Task CloseAsync(WebSocketCloseStatus code = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.CloseAsync(code, reason, cts.Token);
    }

    /// <summary>Sends a close frame without waiting (the background reader then sees the relay's answer).</summary>
    public async Task CloseOutputAsync(WebSocketCloseStatus code = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.CloseOutputAsync(code, reason, cts.Token);
    }

    /// <summary>Answers a received close frame (1000), completing the closing handshake; nothing when already answered.</summary>
    public async Task AnswerCloseAsync()
    {
        if (Socket.State == WebSocketState.CloseReceived)
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            try
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
            catch (WebSocketException) when (Socket.State is WebSocketState.Closed or WebSocketState.Aborted)
            {
                // The relay closed the TCP connection between the check and the answer: nothing is left to answer.
            }
        }
    }

    /// <summary>Aborts the connection (no close frame) and waits for the background reader to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        Socket.Abort();
        if (_loop is not null)
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }

        Socket.Dispose();
        _invoker.Dispose();
    }
}
