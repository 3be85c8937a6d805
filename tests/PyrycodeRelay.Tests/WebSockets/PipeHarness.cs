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

    public Task<(WsOpcode Opcode, byte[] Payload)> ReadFrameAsync() => FrameCodec.ReadServerFrameAsync(Output.Reader);

    private void Abort()
    {
        AbortCount++;
        Input.Writer.Complete(new ConnectionAbortedException("aborted"));
        Output.Reader.Complete();
    }
}
