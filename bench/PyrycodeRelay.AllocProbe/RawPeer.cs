using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.AllocProbe;

/// <summary>A minimal allocation-free WebSocket client over a raw socket (pre-built masked frames, one reused buffer).</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;

    public static async Task<RawPeer> ConnectAsync(int port, string path, params string[] headers)
    {
        var peer = new RawPeer();
        await peer._socket.ConnectAsync(IPAddress.Loopback, port);
        var request = $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n";
        await peer._socket.SendAsync(Encoding.ASCII.GetBytes(request));
        while (true)
        {
            var n = await peer._socket.ReceiveAsync(peer._buffer.AsMemory(peer._end));
            if (n == 0)
            {
                throw new IOException("closed during handshake");
            }

            peer._end += n;
            var text = Encoding.ASCII.GetString(peer._buffer, 0, peer._end);
            var at = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (at >= 0)
            {
                if (!text.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    throw new IOException("handshake failed: " + text);
                }

                peer._start = at + 4;
                return peer;
            }
        }
    }

    public static byte[] MaskedText(byte[] payload)
    {
        var header = payload.Length < 126 ? 6 : 8;
        var frame = new byte[header + payload.Length];
        frame[0] = 0x81;
        if (payload.Length < 126)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }

        // Mask key 0: the payload goes out unchanged (masking is still applied by the relay's code path).
        payload.CopyTo(frame, header);
        return frame;
    }

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> frame) => _socket.SendAsync(frame);

    /// <summary>Receives one unmasked server frame; returns its payload (valid until the next call).</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveFrameAsync()
    {
        while (true)
        {
            var available = _end - _start;
            if (available >= 2)
            {
                int len = _buffer[_start + 1] & 0x7F;
                var size = 2;
                if (len == 126 && available >= 4)
                {
                    len = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
                    size = 4;
                }

                if ((len < 126 || size == 4) && available >= size + len)
                {
                    var payload = _buffer.AsMemory(_start + size, len);
                    _start += size + len;
                    return payload;
                }
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end));
            if (n == 0)
            {
                throw new IOException("closed");
            }

            _end += n;
        }
    }

    public void Dispose() => _socket.Dispose();
}
