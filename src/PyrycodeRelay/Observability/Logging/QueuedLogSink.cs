using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// The production sink in front of stderr (docs/operations.md#abuse-limits-per-session, issue 13 finding 5): a line is
/// encoded into a pooled buffer and queued, and one background writer writes whole lines to the stream. Relay threads
/// never wait for the stream: when the queue holds <see cref="MaxQueuedLines"/> lines or <see cref="MaxQueuedBytes"/>
/// bytes, the new line is dropped and counted (<see cref="Dropped"/>, the drop hook). <see cref="Flush"/> waits a
/// bounded time for the queue to drain, so that the last lines before an exit are written.
/// </summary>
internal sealed class QueuedLogSink : LogSink
{
    /// <summary>Most lines waiting for the stream.</summary>
    public const int MaxQueuedLines = 4096;

    /// <summary>Most bytes waiting for the stream.</summary>
    public const long MaxQueuedBytes = 4 << 20;

    /// <summary>Longest <see cref="Flush"/> waits for the queue to drain.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Stream _stream;
    private readonly Channel<(byte[] Buffer, int Length)> _queue;
    private long _queuedBytes;
    private long _pending;
    private long _dropped;
    private Action? _dropHook;

    /// <summary>Queues lines for <paramref name="stream"/> (which the caller keeps owning) and starts the writer.</summary>
    /// <param name="stream">The output.</param>
    /// <param name="maxLines">Most lines waiting (<see cref="MaxQueuedLines"/>; tests pass fewer).</param>
    public QueuedLogSink(Stream stream, int maxLines = MaxQueuedLines)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _queue = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(maxLines) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        // A dedicated background thread: a stuck stderr blocks it, never a thread-pool thread.
        new Thread(WriteLoop) { IsBackground = true, Name = "relay log writer" }.Start();
    }

    /// <summary>Lines dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Called once per dropped line (the relay's metrics counter); set once the host exists.</summary>
    public void SetDropHook(Action hook) => Volatile.Write(ref _dropHook, hook);

    /// <inheritdoc/>
    public override void WriteLine(ReadOnlySpan<char> line)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Utf8.GetMaxByteCount(line.Length));
        var count = Utf8.GetBytes(line, buffer);
        if (Interlocked.Add(ref _queuedBytes, count) > MaxQueuedBytes)
        {
            Interlocked.Add(ref _queuedBytes, -count);
            Drop(buffer);
            return;
        }

        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite((buffer, count)))
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Add(ref _queuedBytes, -count);
            Drop(buffer);
        }
    }

    /// <summary>
    /// Waits up to <see cref="FlushTimeout"/> for the queued lines to be written (the writer flushes the stream each
    /// time the queue runs empty; the stream is only ever touched by the writer).
    /// </summary>
    public override void Flush()
    {
        var waited = Stopwatch.StartNew();
        var spin = new SpinWait();
        while (Interlocked.Read(ref _pending) > 0 && waited.Elapsed < FlushTimeout)
        {
            spin.SpinOnce(sleep1Threshold: 10);
        }
    }

    /// <inheritdoc/>
    protected override void WriteAndFlush(ReadOnlySpan<char> line) => throw new UnreachableException("lines are queued");

    /// <inheritdoc/>
    protected override void FlushOutput()
    {
        // Not used: see Flush.
    }

    private void Drop(byte[] buffer)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        Interlocked.Increment(ref _dropped);
        Volatile.Read(ref _dropHook)?.Invoke();
    }

    private void WriteLoop()
    {
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    _stream.Write(item.Buffer, 0, item.Length);
                    if (reader.Count == 0)
                    {
                        _stream.Flush(); // whole lines, flushed as soon as nothing else waits
                    }
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
                {
                    // stderr gone: nothing better to do than drop the line.
                }
                finally
                {
                    Interlocked.Add(ref _queuedBytes, -item.Length);
                    ArrayPool<byte>.Shared.Return(item.Buffer);
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
    }
}
