using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Tests.Configuration;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.WebSockets;

/// <summary>A <see cref="WsConnection"/> over in-memory pipes with a fake clock.</summary>
internal sealed class PipeHarness
{
    public PipeHarness(WsConnectionOptions? options = null, long outputPauseThreshold = 65536)
    {
        Time = new FakeTimeProvider(DateTimeOffset.Parse("2026-06-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Input = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        Output = new Pipe(new PipeOptions(pauseWriterThreshold: outputPauseThreshold, resumeWriterThreshold: outputPauseThreshold / 2));
        Options = (options ?? DefaultOptions.WebSocket) with { Time = Time };
        Connection = new WsConnection(Input.Reader, Output.Writer, Abort, Options);
    }

    public FakeTimeProvider Time { get; }

    public Pipe Input { get; }

    public Pipe Output { get; }

    public WsConnectionOptions Options { get; }

    public WsConnection Connection { get; }

    public int AbortCount { get; private set; }

    public async Task SendAsync(params byte[][] frames)
    {
        foreach (var frame in frames)
        {
            await Input.Writer.WriteAsync(frame);
        }
    }

    /// <summary>One receive, failing the test if it does not complete within 5 s.</summary>
    public Task<WsReceiveResult> ReceiveAsync() => Connection.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

    /// <summary>Reads one server frame (unmasked, FIN, no RSV bits) from <see cref="Output"/>; fails after 5 s.</summary>
    public async Task<(WsOpcode Opcode, byte[] Payload)> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var result = await Output.Reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            if (WsFrames.TryParse(buffer.ToArray(), out var frame, out var consumed))
            {
                Output.Reader.AdvanceTo(buffer.GetPosition(consumed));
                Assert.True(frame.Fin && frame.Rsv == 0, "server frames are whole, without RSV bits: " + frame);
                Assert.False(frame.Masked, "server frames are not masked");
                return ((WsOpcode)frame.Opcode, frame.Payload);
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("output completed without a frame");
            }

            Output.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private void Abort()
    {
        AbortCount++;
        Input.Writer.Complete(new ConnectionAbortedException("aborted"));
        Output.Reader.Complete();
    }
}
