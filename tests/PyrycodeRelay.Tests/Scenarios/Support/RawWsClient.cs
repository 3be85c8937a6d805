using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>
/// A WebSocket client on a plain TCP socket: the opening handshake is written by hand and frames are built
/// by <see cref="WsFrames"/>. Nothing is read from the socket until the test asks (so it can play a peer
/// that never reads), and pings are answered only when the reader runs with <c>answerPings</c>.
/// </summary>
public sealed class RawWsClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<RawFrame> _frames = Channel.CreateUnbounded<RawFrame>();
    private byte[] _pending = [];
    private Task? _pump;
    private bool _answerPings;

    private RawWsClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>The key sent in the last handshake built by <see cref="UpgradeRequest"/>.</summary>
    public string? Key { get; private set; }

    /// <summary>Why the reader stopped (null while running): "eof" or the exception message.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Opens a TCP connection to the relay listener.</summary>
    public static async Task<RawWsClient> ConnectAsync(TestRelay relay, int? receiveBufferSize = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        using var cts = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, relay.Host.RelayPort), cts.Token);
        return new RawWsClient(socket);
    }

    /// <summary>
    /// Builds an HTTP/1.1 request. <paramref name="headers"/> are written in order exactly as given (names
    /// and values, UTF-8); with <paramref name="websocket"/> the upgrade headers are added first.
    /// </summary>
    public static byte[] UpgradeRequest(string path, IEnumerable<(string Name, string Value)> headers, string method = "GET", bool websocket = true, string? key = null, string version = "13")
    {
        ArgumentNullException.ThrowIfNull(headers);
        var text = new StringBuilder();
        text.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (websocket)
        {
            text.Append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
            if (key is not null)
            {
                text.Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n");
            }

            if (version.Length > 0)
            {
                text.Append("Sec-WebSocket-Version: ").Append(version).Append("\r\n");
            }
        }

        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        text.Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A fresh random Sec-WebSocket-Key.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>The Sec-WebSocket-Accept value RFC 6455 requires for <paramref name="key"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "RFC 6455 mandates SHA-1.")]
    public static string ExpectedAccept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>Sends one HTTP request on a fresh connection and returns the response (the connection is closed).</summary>
    public static async Task<RawHttpResponse> RequestAsync(TestRelay relay, byte[] request)
    {
        await using var client = await ConnectAsync(relay);
        await client.SendRawAsync(request);
        return await client.ReadHttpResponseAsync();
    }

    /// <summary>
    /// Opens a connection, sends the upgrade request (plus <paramref name="tail"/> in the same write) and
    /// asserts a correct 101. The returned client has not read anything past the 101.
    /// </summary>
    public static async Task<(RawWsClient Client, RawHttpResponse Response)> UpgradeAsync(
        TestRelay relay, string path, IEnumerable<(string Name, string Value)> headers, byte[]? tail = null)
    {
        var client = await ConnectAsync(relay);
        var key = NewKey();
        client.Key = key;
        var request = UpgradeRequest(path, headers, key: key);
        await client.SendRawAsync(tail is null ? request : [.. request, .. tail]);
        var response = await client.ReadHttpResponseAsync();
        Assert.True(response.Status == 101, "expected 101, got " + response);
        Assert.Equal(ExpectedAccept(key), response.Header("Sec-WebSocket-Accept"));
        return (client, response);
    }

    /// <summary>Binary headers of the scenarios (B).</summary>
    public static (string, string)[] BinaryHeaders(string serverId = "s1") =>
        [("X-Pyrycode-Server", serverId), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", "pyry-test/0.1.0")];

    /// <summary>Phone headers of the scenarios (P).</summary>
    public static (string, string)[] PhoneHeaders(string serverId = "s1") =>
        [("X-Pyrycode-Server", serverId), ("X-Pyrycode-Token", "phone-token-opaque"), ("User-Agent", "pyry-phone-test/0.1.0")];

    /// <summary>Writes raw bytes.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await _stream.WriteAsync(bytes, cts.Token);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one frame (masked unless <paramref name="mask"/> is false).</summary>
    public Task SendFrameAsync(int opcode, byte[] payload, bool fin = true, bool mask = true, int rsv = 0) =>
        SendRawAsync(WsFrames.Build(opcode, payload, fin, mask, rsv));

    /// <summary>Writes one masked text message.</summary>
    public Task SendTextAsync(string text) => SendFrameAsync(WsFrames.Text, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes a close frame.</summary>
    public Task SendCloseAsync(int? code, string reason = "") => SendFrameAsync(WsFrames.Close, WsFrames.ClosePayload(code, reason));

    /// <summary>Reads an HTTP response head (and a Content-Length body) directly from the socket.</summary>
    public async Task<RawHttpResponse> ReadHttpResponseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
        {
            var n = await ReadSocketAsync(chunk, cts.Token);
            if (n == 0)
            {
                throw new InvalidOperationException("connection closed before a complete response head: " + Encoding.UTF8.GetString([.. buffer]));
            }

            buffer.AddRange(chunk.AsSpan(0, n));
        }

        var head = Encoding.UTF8.GetString(buffer.GetRange(0, headEnd).ToArray());
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        var rest = buffer.GetRange(headEnd + 4, buffer.Count - headEnd - 4);
        var length = status == 101 ? 0 : int.Parse(
            headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value ?? "0",
            System.Globalization.CultureInfo.InvariantCulture);
        while (rest.Count < length)
        {
            var n = await ReadSocketAsync(chunk, cts.Token);
            if (n == 0)
            {
                break;
            }

            rest.AddRange(chunk.AsSpan(0, n));
        }

        var body = rest.GetRange(0, Math.Min(length, rest.Count)).ToArray();
        _pending = rest.Skip(body.Length).ToArray();
        return new RawHttpResponse(status, lines[0], headers, body);
    }

    /// <summary>Starts the background frame reader; with <paramref name="answerPings"/> every Ping is answered with its payload.</summary>
    public void StartReading(bool answerPings)
    {
        _answerPings = answerPings;
        _pump ??= Task.Run(PumpAsync);
    }

    /// <summary>The next frame (control frames included); null once the connection has ended. Starts the reader if needed.</summary>
    public async Task<RawFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        StartReading(_answerPings);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _frames.Reader.ReadAsync(cts.Token);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no frame within the timeout");
        }
    }

    /// <summary>The next data or close frame, skipping Pings and Pongs; null once the connection has ended.</summary>
    public async Task<RawFrame?> ReadMessageFrameAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var frame = await ReadFrameAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (frame is null || frame.Opcode is not (WsFrames.Ping or WsFrames.Pong))
            {
                return frame;
            }
        }
    }

    /// <summary>Reads frames until the connection ends; returns them. Fails if it does not end within <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<RawFrame>> ReadUntilEndAsync(TimeSpan timeout)
    {
        var frames = new List<RawFrame>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("connection still open; frames: " + string.Join(" | ", frames));
            }

            RawFrame? frame;
            try
            {
                frame = await ReadFrameAsync(left);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("connection still open; frames: " + string.Join(" | ", frames));
            }

            if (frame is null)
            {
                return frames;
            }

            frames.Add(frame);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }

        if (_pump is not null)
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(5));
        }

        await _stream.DisposeAsync();
        _socket.Dispose();
        _writeLock.Dispose();
    }

    private async ValueTask<int> ReadSocketAsync(byte[] chunk, CancellationToken token)
    {
        try
        {
            return await _stream.ReadAsync(chunk, token);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static int IndexOfHeadEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private async Task PumpAsync()
    {
        var buffer = new List<byte>(_pending);
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                while (TryParse(buffer, out var frame))
                {
                    if (_answerPings && frame.Opcode == WsFrames.Ping)
                    {
                        await SendFrameAsync(WsFrames.Pong, frame.Payload);
                    }

                    _frames.Writer.TryWrite(frame);
                }

                var n = await _stream.ReadAsync(chunk);
                if (n == 0)
                {
                    EndReason = "eof";
                    break;
                }

                buffer.AddRange(chunk.AsSpan(0, n));
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            EndReason = ex.Message;
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    private static bool TryParse(List<byte> buffer, out RawFrame frame)
    {
        frame = null!;
        if (buffer.Count < 2)
        {
            return false;
        }

        var b0 = buffer[0];
        var b1 = buffer[1];
        var masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        var pos = 2;
        if (length == 126)
        {
            if (buffer.Count < 4)
            {
                return false;
            }

            length = (buffer[2] << 8) | buffer[3];
            pos = 4;
        }
        else if (length == 127)
        {
            if (buffer.Count < 10)
            {
                return false;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(buffer.GetRange(2, 8).ToArray());
            pos = 10;
        }

        var maskKey = new byte[4];
        if (masked)
        {
            if (buffer.Count < pos + 4)
            {
                return false;
            }

            buffer.CopyTo(pos, maskKey, 0, 4);
            pos += 4;
        }

        if (buffer.Count < pos + length)
        {
            return false;
        }

        var payload = buffer.GetRange(pos, (int)length).ToArray();
        if (masked)
        {
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= maskKey[i & 3];
            }
        }

        buffer.RemoveRange(0, pos + (int)length);
        frame = new RawFrame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0x0F, masked, payload);
        return true;
    }
}
