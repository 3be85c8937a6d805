using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Fuzz.Oracles;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Fuzz.Targets;

/// <summary>
/// <see cref="WsConnection.ReceiveAsync"/> over in-memory pipes: the client byte stream is delivered in
/// chunks (size from the input's first byte) and the reader must deliver exactly the messages, write exactly
/// the Pongs and close frame, and end exactly as <see cref="ReferenceWs.Model"/> says (docs/protocol.md#framing-and-limits:
/// reassembly, size limit → 1009 <c>message too big</c>, violations → 1002, close echo). It must never throw
/// and never wait once the input is complete.
/// </summary>
/// <remarks>Input layout: byte 0 = chunk size (low nibble, 0 = everything at once) and size limit (high nibble); then the client's bytes.</remarks>
internal sealed class WsConnectionTarget : IFuzzTarget
{
    private static readonly int[] Limits = [16, 125, 126, 127, 200, 1024, 4096, 65535, 65536, 262144, 8, 0, 1, 300, 2048, 100_000];

    private static readonly PipeOptions Inline = new(
        pauseWriterThreshold: 0, resumeWriterThreshold: 0, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
        useSynchronizationContext: false, minimumSegmentSize: 512);

    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The framing limits as the relay builds them from its default options.</summary>
    private static readonly WsConnectionOptions Defaults = WsConnectionOptions.From(new RelayOptions(), TimeProvider.System);

    public string Name => "ws-connection";

    public long AllocationBudget(int inputLength) => (1L << 20) + (64L * inputLength);

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var chunk = data[0] & 0x0F;
        var max = Limits[data[0] >> 4];
        var stream = data[1..];
        var expected = ReferenceWs.Model(stream, max);

        var input = new Pipe(Inline);
        var output = new Pipe(Inline);
        var aborted = 0;
        var time = new FakeTimeProvider();
        var connection = new WsConnection(input.Reader, output.Writer, () => aborted++,
            Defaults with { MaxMessageBytes = max, Time = time, CloseHandshakeTimeout = CloseHandshakeTimeout });

        var fed = 0;
        var inputDone = false;
        var messages = new List<byte[]>();
        WsReceiveResult result;
        while (true)
        {
            var pending = connection.ReceiveAsync();
            while (!pending.IsCompleted)
            {
                InvariantException.Check(!inputDone, "hang: ReceiveAsync still waiting after the input completed");
                if (fed < stream.Length)
                {
                    var n = chunk == 0 ? stream.Length - fed : Math.Min(chunk, stream.Length - fed);
                    input.Writer.Write(stream.Slice(fed, n));
                    fed += n;
                    _ = input.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
                }
                else
                {
                    input.Writer.Complete();
                    inputDone = true;
                }
            }

            result = pending.GetAwaiter().GetResult();
            if (!result.IsMessage)
            {
                break;
            }

            messages.Add(connection.Message.ToArray());
            InvariantException.Check(messages.Count <= expected.Messages.Count, $"more messages than the reference ({expected.Messages.Count}); reference ends {expected.End}");
        }

        var status = result.Status;
        var expectedStatus = expected.End switch
        {
            ReferenceWs.End.PeerGone => WsReceiveStatus.PeerGone,
            ReferenceWs.End.PeerClosed => WsReceiveStatus.PeerClosed,
            ReferenceWs.End.TooBig => WsReceiveStatus.TooBig,
            _ => WsReceiveStatus.ProtocolError,
        };
        InvariantException.Check(status == expectedStatus, $"ended {status}, reference {expectedStatus} (messages {messages.Count}/{expected.Messages.Count})");
        InvariantException.Check(messages.Count == expected.Messages.Count, $"{messages.Count} messages, reference {expected.Messages.Count}");
        for (var i = 0; i < messages.Count; i++)
        {
            InvariantException.Check(messages[i].AsSpan().SequenceEqual(expected.Messages[i]), $"message {i} differs");
            InvariantException.Check(messages[i].Length <= max, $"message {i} above the limit");
        }

        if (status == WsReceiveStatus.PeerClosed)
        {
            InvariantException.Check(result.PeerCloseCode == expected.PeerCloseCode, $"peer close code {result.PeerCloseCode}, reference {expected.PeerCloseCode}");
        }

        // The reader never aborts the transport itself, not even on a violation: the 1002 close frame must reach
        // the peer first, so the close-handshake wait drops the connection later (checked below).
        InvariantException.Check(aborted == 0, $"abort calls {aborted} for {status} before the close-handshake wait");

        // Everything the relay wrote: exactly the Pongs and the close frame of the reference.
        _ = output.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
        var written = output.Reader.TryRead(out var read) ? read.Buffer.ToArray() : [];
        InvariantException.Check(written.AsSpan().SequenceEqual(expected.ExpectedOutput), $"relay wrote {Convert.ToHexString(written)}, reference {Convert.ToHexString(expected.ExpectedOutput)}");
        InvariantException.Check(connection.CloseSent == (status is WsReceiveStatus.PeerClosed or WsReceiveStatus.TooBig or WsReceiveStatus.ProtocolError), "CloseSent");

        // A close the relay sent first (1002, 1009) arms the close-handshake wait: once it passes, the transport
        // is aborted exactly once.
        if (status is WsReceiveStatus.ProtocolError or WsReceiveStatus.TooBig)
        {
            time.Advance(CloseHandshakeTimeout + TimeSpan.FromSeconds(1));
            InvariantException.Check(aborted == 1, $"abort calls {aborted} after the close-handshake wait for {status}");
        }

        connection.MarkEnded();
    }

    public IEnumerable<byte[]> Seeds()
    {
        static byte[] Frame(byte b0, byte[] payload, uint key = 0x11223344)
        {
            var header = new List<byte> { b0 };
            if (payload.Length < 126)
            {
                header.Add((byte)(0x80 | payload.Length));
            }
            else
            {
                header.Add(0x80 | 126);
                header.Add((byte)(payload.Length >> 8));
                header.Add((byte)payload.Length);
            }

            var k = BitConverter.GetBytes(key);
            header.AddRange(k);
            header.AddRange(payload.Select((b, i) => (byte)(b ^ k[i % 4])));
            return [.. header];
        }

        static byte[] Join(byte mode, params byte[][] frames) => [mode, .. frames.SelectMany(f => f)];
        var hello = "{\"v\":2}"u8.ToArray();
        yield return Join(0x90, Frame(0x81, hello));
        yield return Join(0x93, Frame(0x01, hello), Frame(0x89, [1, 2]), Frame(0x80, hello));
        yield return Join(0x50, Frame(0x82, new byte[300]));
        yield return Join(0x00, Frame(0x81, new byte[17]));
        yield return Join(0x97, Frame(0x88, [0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e']));
        yield return Join(0x90, Frame(0x88, []));
        yield return Join(0x90, Frame(0x8A, [9, 9, 9, 9, 9, 9, 9, 9]), Frame(0x81, hello));
        yield return Join(0x90, Frame(0x01, hello), Frame(0x01, hello));
        yield return Join(0x91, [0x81, 0x05, 1, 2, 3, 4, 5]);
        yield return Join(0x60, Frame(0x01, new byte[200]), Frame(0x00, new byte[200]), Frame(0x80, new byte[200]));

        // A fragment followed by a continuation using the 64-bit length form (length 300).
        byte[] longForm = [0x80, 0xFF, 0, 0, 0, 0, 0, 0, 0x01, 0x2C, 0x11, 0x22, 0x33, 0x44, .. new byte[300]];
        yield return Join(0x90, Frame(0x01, hello), longForm);
    }
}
