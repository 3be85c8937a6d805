using PyrycodeRelay.LoadGen.Net;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>
/// One simulated binary: for every envelope <c>{"conn_id":"…","frame":&lt;payload&gt;}</c> from the relay
/// it checks the shape and the conn_id's server-id, and sends back <c>{"conn_id":"…","frame":&lt;payload&gt;}</c>
/// (docs/protocol.md#phone-to-binary, #binary-to-phone), written part by part into one reused, masked send buffer.
/// </summary>
internal sealed class BinaryConn(WsClient client, string serverId, Stats stats)
{
    private static readonly byte[] Prefix = "{\"conn_id\":\""u8.ToArray();
    private static readonly byte[] Middle = "\",\"frame\":"u8.ToArray();
    private readonly byte[] _connIdPrefix = System.Text.Encoding.ASCII.GetBytes("client-" + serverId + "-");
    private byte[] _send = new byte[8192];

    public WsClient Client { get; } = client;

    /// <summary>Envelopes echoed.</summary>
    public long Echoed;

    /// <summary>Close notices received (docs/protocol.md#close-notice).</summary>
    public long CloseNotices;

    /// <summary>Receive loop: echo every envelope until the connection ends.</summary>
    public async Task EchoLoopAsync()
    {
        while (await Client.ReceiveAsync())
        {
            // Answer every envelope already in the receive buffer with one send (as a pipe-based server
            // such as the Kestrel echo coalesces its writes).
            var length = 0;
            var n = 0;
            do
            {
                var written = Build(Client.Message, length);
                if (written == -2)
                {
                    CloseNotices++;
                }
                else if (written < 0)
                {
                    Interlocked.Increment(ref stats.Unexpected);
                }
                else
                {
                    length += written;
                    n++;
                }
            }
            while (Client.TryReceiveBuffered());

            if (length > 0)
            {
                var send = Client.SendFramedAsync(_send.AsMemory(0, length));
                if (!send.IsCompletedSuccessfully)
                {
                    await send;
                }
            }

            Echoed += n;
            Interlocked.Add(ref stats.Received, n);
        }

        if (!stats.Closing)
        {
            Interlocked.Increment(ref stats.Disconnects);
        }
    }

    /// <summary>Writes the answer to <paramref name="message"/> at <paramref name="offset"/>; returns its length, -2 for a close notice, -1 if malformed.</summary>
    private int Build(ReadOnlySpan<byte> message, int offset)
    {
        if (!message.StartsWith(Prefix) || message[^1] != (byte)'}')
        {
            return -1;
        }

        var rest = message[Prefix.Length..];
        var quote = rest.IndexOf((byte)'"');
        if (quote < 0)
        {
            return -1;
        }

        var connId = rest[..quote];
        rest = rest[quote..];
        if (!connId.StartsWith(_connIdPrefix) || connId.Length != _connIdPrefix.Length + 16)
        {
            return -1;
        }

        if (rest.StartsWith("\",\"close_code\":"u8))
        {
            return -2;
        }

        if (!rest.StartsWith(Middle))
        {
            return -1;
        }

        var frame = rest[Middle.Length..^1];
        var payloadLength = Prefix.Length + connId.Length + Middle.Length + frame.Length + 1;
        var header = WsFraming.HeaderSize(payloadLength);
        if (_send.Length < offset + header + payloadLength)
        {
            var bigger = new byte[Math.Max(_send.Length * 2, offset + header + payloadLength)];
            _send.AsSpan(0, offset).CopyTo(bigger);
            _send = bigger;
        }

        var span = _send.AsSpan(offset);
        WsFraming.WriteHeader(span, 0x1, payloadLength, Client.MaskKey);
        var at = header;
        Prefix.CopyTo(span[at..]);
        at += Prefix.Length;
        connId.CopyTo(span[at..]);
        at += connId.Length;
        Middle.CopyTo(span[at..]);
        at += Middle.Length;
        frame.CopyTo(span[at..]);
        at += frame.Length;
        span[at++] = (byte)'}';
        WsFraming.Mask(span[header..at], Client.MaskKey, 0);
        return at;
    }
}
