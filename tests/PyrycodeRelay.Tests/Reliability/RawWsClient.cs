using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// A WebSocket client over a raw socket, for peers that misbehave on purpose: never read, stop answering
/// Pings, send fragments and stall, send malformed frames, or reset the TCP connection.
/// </summary>
public sealed class RawWsClient : IDisposable
{
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;

    private RawWsClient(Socket socket)
    {
        Socket = socket;
    }

    /// <summary>The TCP socket.</summary>
    public Socket Socket { get; }

    /// <summary>Standard binary headers (docs/protocol.md#header-gate).</summary>
    public static Dictionary<string, string> BinaryHeaders(string serverId) => EndToEnd.E2eWs.BinaryHeaders(serverId);

    /// <summary>Standard phone headers.</summary>
    public static Dictionary<string, string> PhoneHeaders(string serverId) => EndToEnd.E2eWs.PhoneHeaders(serverId);

    /// <summary>Connects and completes the HTTP/1.1 upgrade (asserts 101). A receive buffer &gt; 0 disables autotuning.</summary>
    public static async Task<RawWsClient> ConnectAsync(int port, string path, Dictionary<string, string> headers, int receiveBuffer = 0)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer > 0)
        {
            socket.ReceiveBufferSize = receiveBuffer;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        var client = new RawWsClient(socket);
        var request = new StringBuilder()
            .Append("GET ").Append(path).Append(" HTTP/1.1\r\nHost: 127.0.0.1:").Append(port)
            .Append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        foreach (var (k, v) in headers)
        {
            request.Append(k).Append(": ").Append(v).Append("\r\n");
        }

        await socket.SendAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), cts.Token);
        while (true)
        {
            var text = Encoding.ASCII.GetString(client._buffer, 0, client._end);
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd >= 0)
            {
                Assert.StartsWith("HTTP/1.1 101", text, StringComparison.Ordinal);
                client._start = headerEnd + 4;
                return client;
            }

            var n = await socket.ReceiveAsync(client._buffer.AsMemory(client._end), cts.Token);
            Assert.True(n > 0, "connection closed during the upgrade: " + text);
            client._end += n;
        }
    }

    /// <summary>Sends one masked frame.</summary>
    public Task SendFrameAsync(int opcode, ReadOnlySpan<byte> payload, bool fin = true) =>
        SendRawAsync(Frame(opcode, payload, fin));

    /// <summary>Sends bytes as they are.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Socket.SendAsync(bytes, cts.Token);
    }

    /// <summary>A masked client frame (RFC 6455 §5.2) with a random key.</summary>
    public static byte[] Frame(int opcode, ReadOnlySpan<byte> payload, bool fin = true, long? declaredLength = null)
    {
        var length = declaredLength ?? payload.Length;
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (length < 126)
        {
            header.Add((byte)(0x80 | length));
        }
        else if (length <= ushort.MaxValue)
        {
            header.Add(0x80 | 126);
            header.Add((byte)(length >> 8));
            header.Add((byte)length);
        }
        else
        {
            header.Add(0x80 | 127);
            var ext = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(ext, length);
            header.AddRange(ext);
        }

        var key = RandomNumberGenerator.GetBytes(4);
        header.AddRange(key);
        var frame = new byte[header.Count + payload.Length];
        header.CopyTo(frame);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header.Count + i] = (byte)(payload[i] ^ key[i % 4]);
        }

        return frame;
    }

    /// <summary>
    /// Reads one server frame. Returns null when the connection ended (EOF or reset) before a whole frame;
    /// throws <see cref="TimeoutException"/> when nothing complete arrives within <paramref name="timeout"/>.
    /// </summary>
    public async Task<(int Opcode, bool Fin, byte[] Payload)?> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (TryTakeFrame(out var frame))
            {
                return frame;
            }

            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int n;
            try
            {
                n = await Socket.ReceiveAsync(_buffer.AsMemory(_end), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no complete frame within " + timeout);
            }
            catch (SocketException)
            {
                return null;
            }

            if (n == 0)
            {
                return null;
            }

            _end += n;
        }
    }

    /// <summary>Reads frames (answering nothing) until a close frame; returns its code and reason, or null if the connection ended without one.</summary>
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

            var (opcode, _, payload) = frame.Value;
            if (opcode == 0x8)
            {
                return payload.Length >= 2 ? (BinaryPrimitives.ReadUInt16BigEndian(payload), Encoding.UTF8.GetString(payload, 2, payload.Length - 2)) : (1005, "");
            }

            onFrame?.Invoke(opcode, payload);
        }
    }

    /// <summary>Aborts with a TCP RST.</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    /// <inheritdoc />
    public void Dispose() => Socket.Dispose();

    private bool TryTakeFrame(out (int Opcode, bool Fin, byte[] Payload) frame)
    {
        frame = default;
        var s = _buffer.AsSpan(_start, _end - _start);
        if (s.Length < 2)
        {
            return false;
        }

        Assert.True((s[1] & 0x80) == 0, "server frames must not be masked");
        long length = s[1] & 0x7F;
        var size = 2;
        if (length == 126)
        {
            if (s.Length < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
            size = 4;
        }
        else if (length == 127)
        {
            if (s.Length < 10)
            {
                return false;
            }

            length = BinaryPrimitives.ReadInt64BigEndian(s[2..]);
            size = 10;
        }

        if (s.Length < size + length)
        {
            return false;
        }

        frame = (s[0] & 0x0F, (s[0] & 0x80) != 0, s.Slice(size, (int)length).ToArray());
        _start += size + (int)length;
        return true;
    }
}
