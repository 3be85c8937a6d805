using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A WebSocket client that can misbehave, on a raw TCP (or TLS) connection to a <see cref="RelayTarget"/>: the
/// opening handshake is written by hand (any headers, repeated or not; a tail in the same write), frames are
/// built by <see cref="WsFrames"/> (fragments, bad masks, reserved bits, lying lengths). Nothing is read from the
/// socket until the test asks (so it plays a peer that never reads); from then on a reader drains it into a
/// queue and answers Pings only when started with <c>answerPings</c>. Every wait has a timeout.
/// </summary>
internal sealed class RawWsClient : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<RawFrame> _frames = Channel.CreateUnbounded<RawFrame>();
    private Task? _pump;
    private bool _answerPings;
    private bool _disposed;

    private RawWsClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>The key sent in the handshake of <see cref="UpgradeAsync(RelayTarget, string, IEnumerable{ValueTuple{string, string}}, byte[], int?)"/>.</summary>
    public string? Key { get; private set; }

    /// <summary>Why the reader stopped (null while running): "eof" or the exception message.</summary>
    public string? EndReason { get; private set; }

    /// <summary>A binary's headers (<see cref="ClientHeaders.Binary"/>) as pairs.</summary>
    public static (string Name, string Value)[] BinaryHeaders(string serverId = "s1") => ClientHeaders.Pairs(ClientHeaders.Binary(serverId));

    /// <summary>A phone's headers (<see cref="ClientHeaders.Phone"/>) as pairs.</summary>
    public static (string Name, string Value)[] PhoneHeaders(string serverId = "s1") => ClientHeaders.Pairs(ClientHeaders.Phone(serverId));

    /// <summary>A fresh random Sec-WebSocket-Key.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>The Sec-WebSocket-Accept value RFC 6455 requires for <paramref name="key"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "RFC 6455 mandates SHA-1.")]
    public static string ExpectedAccept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>
    /// Opens a connection (TLS when the target has a root) and sends nothing. A <paramref name="receiveBuffer"/>
    /// fixes SO_RCVBUF, so a client that does not read stalls the relay's writes after a bounded number of bytes.
    /// </summary>
    public static async Task<RawWsClient> OpenAsync(RelayTarget target, int? receiveBuffer = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var cts = new CancellationTokenSource(DefaultTimeout);
        var socket = await target.ConnectAsync(receiveBuffer, cts.Token);
        try
        {
            return new RawWsClient(socket, await target.StreamOverAsync(socket, ownsSocket: false, cts.Token));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a connection, sends the upgrade request with exactly <paramref name="headers"/> (plus the WebSocket
    /// ones, and <paramref name="tail"/> in the same write) and asserts a correct 101. Nothing past the 101 is read.
    /// </summary>
    public static async Task<(RawWsClient Client, RawResponse Response)> UpgradeAsync(
        RelayTarget target, string path, IEnumerable<(string Name, string Value)> headers, byte[]? tail = null, int? receiveBuffer = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var client = await OpenAsync(target, receiveBuffer);
        try
        {
            client.Key = NewKey();
            var request = Encoding.UTF8.GetBytes(RawHttp.Upgrade(path, target.Host, headers.Select(h => h.Name + ": " + h.Value), key: client.Key));
            await client.SendRawAsync(tail is null ? request : [.. request, .. tail]);
            var response = await client.ReadHttpResponseAsync();
            Assert.True(response.Status == 101, "expected 101, got " + response);
            Assert.Equal(ExpectedAccept(client.Key), response.Header("Sec-WebSocket-Accept"));
            return (client, response);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>As <see cref="UpgradeAsync(RelayTarget, string, IEnumerable{ValueTuple{string, string}}, byte[], int?)"/> on the relay's listener.</summary>
    public static Task<(RawWsClient Client, RawResponse Response)> UpgradeAsync(
        TestRelay relay, string path, IEnumerable<(string Name, string Value)> headers, byte[]? tail = null, int? receiveBuffer = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
        return UpgradeAsync(relay.Target, path, headers, tail, receiveBuffer);
    }

    /// <summary>Upgrades (asserting the 101) and returns the client.</summary>
    public static async Task<RawWsClient> ConnectAsync(RelayTarget target, string path, IEnumerable<(string Name, string Value)> headers, int? receiveBuffer = null) =>
        (await UpgradeAsync(target, path, headers, receiveBuffer: receiveBuffer)).Client;

    /// <summary>Writes raw bytes.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await _stream.WriteAsync(bytes, cts.Token);
            await _stream.FlushAsync(cts.Token);
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

    /// <summary>Writes a close frame (no status code when <paramref name="code"/> is null).</summary>
    public Task SendCloseAsync(int? code, string reason = "") => SendFrameAsync(WsFrames.Close, WsFrames.ClosePayload(code, reason));

    /// <summary>Reads exactly one HTTP response (and nothing after it); fails after <paramref name="timeout"/> (10 s).</summary>
    public async Task<RawResponse> ReadHttpResponseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        return await RawHttp.ReadResponseAsync(_stream, cts.Token);
    }

    /// <summary>Starts the frame reader; with <paramref name="answerPings"/> every Ping is answered with its payload.</summary>
    public void StartReading(bool answerPings)
    {
        _answerPings = answerPings;
        _pump ??= Task.Run(PumpAsync);
    }

    /// <summary>
    /// The next frame (control frames included; a server frame must not be masked); null once the connection has
    /// ended. Starts the reader if needed; a <see cref="TimeoutException"/> after <paramref name="timeout"/> (10 s).
    /// </summary>
    public async Task<RawFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        StartReading(_answerPings);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        RawFrame frame;
        try
        {
            frame = await _frames.Reader.ReadAsync(cts.Token);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no frame within {timeout ?? DefaultTimeout}");
        }

        Assert.False(frame.Masked, "server frames must not be masked: " + frame);
        return frame;
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

    /// <summary>
    /// Reads frames (answering nothing itself) until a close frame and returns its code and reason ((1005, "") when
    /// it has none), or null when the connection ended without one; <paramref name="onFrame"/> sees every other frame.
    /// </summary>
    public async Task<(int Code, string Reason)?> ReadUntilCloseAsync(TimeSpan timeout, Action<int, byte[]>? onFrame = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("no close frame within " + timeout);
            }

            var frame = await ReadFrameAsync(left);
            if (frame is null)
            {
                return null;
            }

            if (frame.Opcode == WsFrames.Close)
            {
                return frame.CloseCode is { } code ? (code, frame.CloseReason) : (1005, "");
            }

            onFrame?.Invoke(frame.Opcode, frame.Payload);
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

    /// <summary>Reads exactly <paramref name="count"/> raw bytes (the reader must not be running); fails on EOF or after <paramref name="timeout"/>.</summary>
    public async Task<byte[]> ReadBytesAsync(int count, TimeSpan? timeout = null)
    {
        Assert.True(_pump is null, "the frame reader owns the connection");
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var bytes = new byte[count];
        await _stream.ReadExactlyAsync(bytes, cts.Token);
        return bytes;
    }

    /// <summary>Reads whatever raw bytes are available, at most <paramref name="buffer"/>'s length (the reader must not be running); 0 at EOF.</summary>
    public async Task<int> ReadSomeAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Assert.True(_pump is null, "the frame reader owns the connection");
        return await _stream.ReadAsync(buffer, cancellationToken);
    }

    /// <summary>Closes the connection abortively (no close frame, a TCP reset).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
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

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        try
        {
            while (true)
            {
                var start = 0;
                while (WsFrames.TryParse(buffer.AsSpan(start, length - start), out var frame, out var consumed))
                {
                    start += consumed;
                    if (_answerPings && frame.Opcode == WsFrames.Ping)
                    {
                        await SendFrameAsync(WsFrames.Pong, frame.Payload);
                    }

                    _frames.Writer.TryWrite(frame);
                }

                length -= start;
                Array.Copy(buffer, start, buffer, 0, length);
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var n = await _stream.ReadAsync(buffer.AsMemory(length));
                if (n == 0)
                {
                    EndReason = "eof";
                    break;
                }

                length += n;
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
}
