using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>
/// A <see cref="ClientWebSocket"/> peer whose receive loop (once started) always has a receive pending, so
/// it answers the relay's Pings; what it receives goes to a queue the test reads with bounded waits.
/// It answers the relay's close frame as a browser would. Without <see cref="StartReading"/> it never
/// reads (and so never answers Pings).
/// </summary>
public sealed class WsPeer : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Channel<PeerEvent> _events = Channel.CreateUnbounded<PeerEvent>();
    private Task? _loop;

    private WsPeer(ClientWebSocket socket) => Socket = socket;

    /// <summary>The socket.</summary>
    public ClientWebSocket Socket { get; }

    /// <summary>Connects with exactly <paramref name="headers"/>; starts reading unless <paramref name="read"/> is false.</summary>
    /// <param name="uri">The relay URI.</param>
    /// <param name="headers">Exactly the request headers to send.</param>
    /// <param name="read">Whether to start the receive loop at once.</param>
    /// <param name="receiveBufferBytes">
    /// A fixed TCP receive buffer (SO_RCVBUF before connecting, which also turns off the kernel's autotuning), so a
    /// peer that does not read stalls the relay's writes after a bounded number of bytes; null keeps the default.
    /// </param>
    public static async Task<WsPeer> ConnectAsync(Uri uri, IEnumerable<KeyValuePair<string, string>> headers, bool read = true, int? receiveBufferBytes = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        using var cts = new CancellationTokenSource(DefaultTimeout);
        if (receiveBufferBytes is { } size)
        {
            using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
            {
                ConnectCallback = async (context, token) =>
                {
                    var tcp = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp)
                    {
                        ReceiveBufferSize = size,
                        NoDelay = true,
                    };
                    try
                    {
                        await tcp.ConnectAsync(context.DnsEndPoint, token);
                        return new System.Net.Sockets.NetworkStream(tcp, ownsSocket: true);
                    }
                    catch
                    {
                        tcp.Dispose();
                        throw;
                    }
                },
            });
            await socket.ConnectAsync(uri, invoker, cts.Token);
        }
        else
        {
            await socket.ConnectAsync(uri, cts.Token);
        }
        var peer = new WsPeer(socket);
        if (read)
        {
            peer.StartReading();
        }

        return peer;
    }

    /// <summary>Connects a binary (B) with the scenario headers.</summary>
    public static Task<WsPeer> BinaryAsync(TestRelay relay, string serverId = "s1", string path = "/v1/server", bool read = true)
    {
        ArgumentNullException.ThrowIfNull(relay);
        return ConnectAsync(relay.WsUri(path), new Dictionary<string, string>
        {
            ["X-Pyrycode-Server"] = serverId,
            ["X-Pyrycode-Version"] = "0.1.0-test",
            ["User-Agent"] = "pyry-test/0.1.0",
        }, read);
    }

    /// <summary>Connects a phone (P) with the scenario headers.</summary>
    public static Task<WsPeer> PhoneAsync(TestRelay relay, string serverId = "s1", string path = "/v1/client", string? deviceName = null, bool read = true, int? receiveBufferBytes = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
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

        return ConnectAsync(relay.WsUri(path), headers, read, receiveBufferBytes);
    }

    /// <summary>Connects a binary and waits (log <c>server_claimed</c>) until it holds <paramref name="serverId"/>.</summary>
    public static async Task<WsPeer> HolderAsync(TestRelay relay, string serverId = "s1", bool read = true)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var before = relay.Logs.Named("server_claimed").Count(e => e["server_id"] == serverId);
        var peer = await BinaryAsync(relay, serverId, read: read);
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count(e => e["server_id"] == serverId) > before);
        return peer;
    }

    /// <summary>Connects a phone and waits until it is registered; returns its conn_id from <c>phone_registered</c>.</summary>
    public static async Task<(WsPeer Peer, string ConnId)> RegisteredPhoneAsync(TestRelay relay, string serverId = "s1", string? deviceName = null, bool read = true, int? receiveBufferBytes = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var before = relay.Logs.Named("phone_registered").Select(e => e["conn_id"]).ToHashSet();
        var peer = await PhoneAsync(relay, serverId, deviceName: deviceName, read: read, receiveBufferBytes: receiveBufferBytes);
        var entry = await relay.Logs.WaitForAsync("phone_registered", e => e["server_id"] == serverId && !before.Contains(e["conn_id"]));
        return (peer, entry["conn_id"]!);
    }

    /// <summary>Starts the receive loop (idempotent).</summary>
    public void StartReading() => _loop ??= Task.Run(LoopAsync);

    /// <summary>The next event; fails after <paramref name="timeout"/>.</summary>
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

    /// <summary>The next event must be a text message; returns it.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var e = await NextAsync(timeout);
        Assert.True(e.Type == WebSocketMessageType.Text, "expected a text message, got " + e);
        return e.Text;
    }

    /// <summary>The next event must be a close frame; returns its code and reason.</summary>
    public async Task<(int Code, string Reason)> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        var e = await NextAsync(timeout);
        Assert.True(e.IsClose, "expected a close frame, got " + e);
        return (e.CloseCode ?? 0, e.CloseReason ?? "");
    }

    /// <summary>Asserts that nothing at all (message, close, end) arrives within <paramref name="window"/>.</summary>
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

    /// <summary>Sends one text message.</summary>
    public async Task SendTextAsync(string text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>Sends one message of raw bytes.</summary>
    public async Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(bytes, type, true, cts.Token);
    }

    /// <summary>Sends a close frame (the receive loop then sees the relay's answer).</summary>
    public async Task CloseOutputAsync(WebSocketCloseStatus code = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await Socket.CloseOutputAsync(code, reason, cts.Token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Socket.Abort();
        if (_loop is not null)
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }

        Socket.Dispose();
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
