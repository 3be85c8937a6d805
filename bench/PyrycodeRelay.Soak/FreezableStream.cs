namespace PyrycodeRelay.Soak;

/// <summary>
/// A transport stream that can be frozen: reads and writes wait until thawed, so the peer stops reading and
/// answering (no Pong, no data) while its TCP connection stays established — a half-open or hung peer.
/// </summary>
internal sealed class FreezableStream(Stream inner) : Stream
{
    private volatile TaskCompletionSource? _thawed;

    public void Freeze() => _thawed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Thaw() => Interlocked.Exchange(ref _thawed, null)?.TrySetResult();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await WaitThawedAsync(cancellationToken);
        return await inner.ReadAsync(buffer, cancellationToken);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await WaitThawedAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Thaw();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task WaitThawedAsync(CancellationToken ct)
    {
        var gate = _thawed;
        if (gate is not null)
        {
            await gate.Task.WaitAsync(ct);
        }
    }
}
