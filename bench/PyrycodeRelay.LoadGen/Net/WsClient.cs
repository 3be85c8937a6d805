using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace PyrycodeRelay.LoadGen.Net;

/// <summary>
/// A minimal RFC 6455 client over a raw <see cref="Socket"/>, built for load generation: one receive
/// buffer and one send buffer per connection, allocated once; no per-message allocation (socket
/// operations complete through pooled <see cref="System.Threading.Tasks.ValueTask"/> sources).
/// Frames the server sends are never fragmented by the targets used here, but continuation frames are
/// reassembled anyway. Masking uses a fixed per-connection key (servers cannot tell; it lets payload
/// templates be masked once). With a TLS host the connection is <c>wss</c>: the same framing through an
/// <see cref="SslStream"/> (SNI and Host header = that name; the benchmark's self-signed certificate is accepted).
/// </summary>
internal sealed class WsClient : IDisposable
{
    private readonly Socket _socket;
    private SslStream? _tls;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _recv;
    private int _start;
    private int _end;
    private int _messageStart;
    private int _messageLength;
    private readonly byte[] _control = new byte[2 + 4 + 125];

    private WsClient(Socket socket, int receiveBufferSize, uint maskKey)
    {
        _socket = socket;
        _recv = new byte[receiveBufferSize];
        MaskKey = maskKey;
    }

    /// <summary>The fixed mask key of this connection's frames.</summary>
    public uint MaskKey { get; }

    /// <summary>Pings answered.</summary>
    public int PingsAnswered { get; private set; }

    /// <summary>Negotiated TLS protocol and cipher suite (e.g. <c>Tls13 TLS_AES_256_GCM_SHA384</c>); empty for plain <c>ws</c>.</summary>
    public string TlsInfo => _tls is null ? "" : $"{_tls.SslProtocol} {_tls.NegotiatedCipherSuite}";

    /// <summary>Close code of the peer's close frame, if one arrived.</summary>
    public int PeerCloseCode { get; private set; }

    /// <summary>The last received message (valid until the next receive).</summary>
    public ReadOnlySpan<byte> Message => _recv.AsSpan(_messageStart, _messageLength);

    /// <summary>
    /// Connects, binds the local address, performs the TLS handshake when <paramref name="tlsHost"/> is set,
    /// and performs the upgrade. Throws on any failure.
    /// </summary>
    public static async Task<WsClient> ConnectAsync(IPEndPoint remote, IPAddress? local, string path, string extraHeaders,
        int receiveBufferSize, uint maskKey, CancellationToken ct, string? tlsHost = null)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (local is not null)
            {
                // IP_BIND_ADDRESS_NO_PORT (Linux): the port is chosen at connect() for the whole 4-tuple. A plain
                // bind to port 0 must find a port free for every destination, and with thousands of this
                // generator's earlier connections in TIME_WAIT on the same source address that search slowed
                // connection setup 3-8x (it was the "phone registrations 0.24x nginx" of the first runs).
                if (OperatingSystem.IsLinux())
                {
                    socket.SetRawSocketOption(0 /* SOL_IP */, 24 /* IP_BIND_ADDRESS_NO_PORT */, BitConverter.GetBytes(1));
                }

                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(remote, ct);
            var client = new WsClient(socket, Math.Max(receiveBufferSize, 1024), maskKey);
            if (tlsHost is not null)
            {
                client._tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
                await client._tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = tlsHost,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    // The run's own self-signed certificate: its name must match; only the (untrusted) chain is excused.
                    RemoteCertificateValidationCallback = static (_, _, _, errors) => (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None,
                }, ct);
            }

            await client.HandshakeAsync(tlsHost is null ? remote.ToString() : $"{tlsHost}:{remote.Port}", path, extraHeaders, ct);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task HandshakeAsync(string host, string path, string extraHeaders, CancellationToken ct)
    {
        var request = $"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n";
        var bytes = Encoding.ASCII.GetBytes(request);
        if (_tls is null)
        {
            await _socket.SendAsync(bytes, SocketFlags.None, ct);
        }
        else
        {
            await _tls.WriteAsync(bytes, ct);
        }

        while (true)
        {
            var n = _tls is null
                ? await _socket.ReceiveAsync(_recv.AsMemory(_end), SocketFlags.None, ct)
                : await _tls.ReadAsync(_recv.AsMemory(_end), ct);
            if (n == 0)
            {
                throw new IOException("connection closed during the handshake");
            }

            _end += n;
            var headerEnd = _recv.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0)
            {
                if (_end == _recv.Length)
                {
                    throw new IOException("handshake response too large");
                }

                continue;
            }

            if (!_recv.AsSpan(0, _end).StartsWith("HTTP/1.1 101"u8))
            {
                var line = Encoding.ASCII.GetString(_recv, 0, Math.Min(_end, 40)).Split('\r')[0];
                throw new IOException($"upgrade refused: {line}");
            }

            _start = headerEnd + 4;
            return;
        }
    }

    /// <summary>
    /// Waits for the next data message (answering Pings on the way). Returns false when the connection
    /// ended (peer close frame, EOF or socket error). A fragmented message is a failure: none of the
    /// targets fragments what it sends.
    /// </summary>
    public async ValueTask<bool> ReceiveAsync()
    {
        while (true)
        {
            var avail = _end - _start;
            if (avail >= 2)
            {
                var b0 = _recv[_start];
                var b1 = _recv[_start + 1];
                var opcode = b0 & 0x0F;
                long len = b1 & 0x7F;
                var hdr = len == 126 ? 4 : len == 127 ? 10 : 2;
                if (avail >= hdr)
                {
                    if (len == 126)
                    {
                        len = BinaryPrimitives.ReadUInt16BigEndian(_recv.AsSpan(_start + 2));
                    }
                    else if (len == 127)
                    {
                        len = (long)BinaryPrimitives.ReadUInt64BigEndian(_recv.AsSpan(_start + 2));
                    }

                    if (avail >= hdr + len)
                    {
                        var payloadStart = _start + hdr;
                        var payloadLen = (int)len;
                        _start = payloadStart + payloadLen;
                        if (opcode == 0x9)
                        {
                            await SendControlAsync(0xA, _recv.AsMemory(payloadStart, payloadLen));
                            PingsAnswered++;
                            continue;
                        }

                        if (opcode == 0x8)
                        {
                            PeerCloseCode = payloadLen >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(_recv.AsSpan(payloadStart)) : 1005;
                            return false;
                        }

                        if (opcode == 0xA)
                        {
                            continue;
                        }

                        if ((b0 & 0x80) == 0 || opcode == 0)
                        {
                            throw new InvalidDataException("fragmented message from the target");
                        }

                        _messageStart = payloadStart;
                        _messageLength = payloadLen;
                        return true;
                    }

                    if (hdr + len > _recv.Length)
                    {
                        Compact();
                        Grow((int)(hdr + len));
                    }
                }
            }

            Compact();
            int n;
            try
            {
                n = _tls is null
                    ? await _socket.ReceiveAsync(_recv.AsMemory(_end), SocketFlags.None)
                    : await _tls.ReadAsync(_recv.AsMemory(_end));
            }
            catch (SocketException)
            {
                return false;
            }
            catch (IOException)
            {
                return false; // SslStream wraps the socket's errors
            }
            catch (ObjectDisposedException)
            {
                return false;
            }

            if (n == 0)
            {
                return false;
            }

            _end += n;
        }
    }

    /// <summary>
    /// Takes the next data message if it is already complete in the receive buffer (no socket read);
    /// false otherwise (including for a control frame, which the next <see cref="ReceiveAsync"/> handles).
    /// Lets a caller answer every message of one read with a single send.
    /// </summary>
    public bool TryReceiveBuffered()
    {
        var avail = _end - _start;
        if (avail < 2)
        {
            return false;
        }

        var b0 = _recv[_start];
        var opcode = b0 & 0x0F;
        if ((b0 & 0x80) == 0 || opcode is not (0x1 or 0x2))
        {
            return false;
        }

        long len = _recv[_start + 1] & 0x7F;
        var hdr = len == 126 ? 4 : len == 127 ? 10 : 2;
        if (avail < hdr)
        {
            return false;
        }

        if (len == 126)
        {
            len = BinaryPrimitives.ReadUInt16BigEndian(_recv.AsSpan(_start + 2));
        }
        else if (len == 127)
        {
            len = (long)BinaryPrimitives.ReadUInt64BigEndian(_recv.AsSpan(_start + 2));
        }

        if (avail < hdr + len)
        {
            return false;
        }

        _messageStart = _start + hdr;
        _messageLength = (int)len;
        _start = _messageStart + _messageLength;
        return true;
    }

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        var keep = _end - _start;
        if (keep > 0)
        {
            Buffer.BlockCopy(_recv, _start, _recv, 0, keep);
        }

        _end = keep;
        _start = 0;
    }

    private void Grow(int size)
    {
        var bigger = new byte[Math.Max(size, _recv.Length * 2)];
        Buffer.BlockCopy(_recv, 0, bigger, 0, _end);
        _recv = bigger;
    }

    /// <summary>Sends bytes already framed and masked by the caller (whole frames only).</summary>
    public async ValueTask<bool> SendFramedAsync(ReadOnlyMemory<byte> frame)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_tls is not null)
            {
                await _tls.WriteAsync(frame);
                return true;
            }

            while (!frame.IsEmpty)
            {
                var n = await _socket.SendAsync(frame, SocketFlags.None);
                frame = frame[n..];
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask SendControlAsync(int opcode, ReadOnlyMemory<byte> payload)
    {
        // Only the receive loop sends control frames, so _control is never shared.
        var length = WsFraming.WriteHeader(_control, opcode, payload.Length, MaskKey);
        payload.Span.CopyTo(_control.AsSpan(length));
        WsFraming.Mask(_control.AsSpan(length, payload.Length), MaskKey, 0);
        await SendFramedAsync(_control.AsMemory(0, length + payload.Length));
    }

    /// <summary>Sends a close frame with <paramref name="code"/> (best effort) and shuts the socket down.</summary>
    public async Task CloseAsync(int code = 1000)
    {
        var payload = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        try
        {
            var length = WsFraming.WriteHeader(_control, 0x8, 2, MaskKey);
            payload.CopyTo(_control.AsSpan(length));
            WsFraming.Mask(_control.AsSpan(length, 2), MaskKey, 0);
            await SendFramedAsync(_control.AsMemory(0, length + 2));
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
        _sendLock.Dispose();
    }
}
