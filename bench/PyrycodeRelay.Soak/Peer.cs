using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace PyrycodeRelay.Soak;

/// <summary>How a peer's connection ended, as the peer saw it.</summary>
internal readonly record struct PeerEnd(int? Code, string Reason, bool Aborted)
{
    public override string ToString() => Aborted ? "aborted (no close frame)" : $"{Code} '{Reason}'";
}

/// <summary>One WebSocket client (binary or phone) with access to its TCP socket for RST and half-open.</summary>
internal sealed class Peer : IAsyncDisposable
{
    private readonly ClientWebSocket _ws;
    private readonly HttpMessageInvoker _invoker;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Socket? _socket;
    private FreezableStream? _stream;

    private readonly int _receiveBuffer;

    private Peer(int receiveBuffer)
    {
        _receiveBuffer = receiveBuffer;
        _ws = new ClientWebSocket();
        _ws.Options.KeepAliveInterval = TimeSpan.Zero;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (_receiveBuffer > 0)
                {
                    socket.ReceiveBufferSize = _receiveBuffer;
                }

                await socket.ConnectAsync(ctx.DnsEndPoint, ct);
                _socket = socket;
                _stream = new FreezableStream(new NetworkStream(socket, ownsSocket: true));
                return _stream;
            },
        });
    }

    public ClientWebSocket Socket => _ws;

    /// <summary>Connects; <paramref name="receiveBuffer"/> &gt; 0 fixes SO_RCVBUF (no autotuning) so a stalled reader backs up fast.</summary>
    public static async Task<Peer> ConnectAsync(Uri uri, IReadOnlyDictionary<string, string> headers, TimeSpan timeout, int receiveBuffer = 0)
    {
        var peer = new Peer(receiveBuffer);
        foreach (var (k, v) in headers)
        {
            peer._ws.Options.SetRequestHeader(k, v);
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await peer._ws.ConnectAsync(uri, peer._invoker, cts.Token);
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    public async Task<bool> SendAsync(string text, TimeSpan timeout)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var cts = new CancellationTokenSource(timeout);
        await _sendLock.WaitAsync(cts.Token);
        try
        {
            await _ws.SendAsync(bytes, WebSocketMessageType.Text, true, cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Receives one message; null means the connection ended (see <paramref name="end"/>).</summary>
    public async Task<(string? Text, PeerEnd End)> ReceiveAsync(byte[] buffer, CancellationToken ct)
    {
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var r = await _ws.ReceiveAsync(buffer.AsMemory(length), ct);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return (null, new PeerEnd((int?)_ws.CloseStatus, _ws.CloseStatusDescription ?? "", false));
                }

                length += r.Count;
                if (r.EndOfMessage)
                {
                    return (Encoding.UTF8.GetString(buffer, 0, length), default);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            return (null, new PeerEnd(null, "", true));
        }
    }

    /// <summary>Answers the relay's close (after a close frame was received) or starts a clean close.</summary>
    public async Task CloseAsync(int code, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _ws.CloseAsync((WebSocketCloseStatus)code, "", cts.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
        {
        }
    }

    /// <summary>Stops reading and writing at the transport (no Pongs, no data); the TCP connection stays up.</summary>
    public void Freeze() => _stream?.Freeze();

    /// <summary>Undoes <see cref="Freeze"/>.</summary>
    public void Thaw() => _stream?.Thaw();

    /// <summary>Aborts the TCP connection with a RST (SO_LINGER on, timeout 0).</summary>
    public void Reset()
    {
        var s = _socket;
        if (s is not null)
        {
            try
            {
                s.LingerState = new LingerOption(true, 0);
                s.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        _ws.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        _ws.Abort();
        _ws.Dispose();
        _invoker.Dispose();
        _socket?.Dispose();

        // _sendLock is not disposed: a send still in flight when the actor disposes the peer (abort paths) ends
        // with Release(), which threw ObjectDisposedException on a disposed semaphore and crashed a soak cell
        // (1-hour run, 2026-12-07, 781 s). A SemaphoreSlim without a wait handle holds nothing to free.
        await Task.CompletedTask;
    }
}
