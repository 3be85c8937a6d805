namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>
/// A stream that accepts each write in small chunks, yielding between chunks, like a slow pipe. Two
/// unsynchronised writers on it would interleave; the relay's sink must not let them.
/// </summary>
internal sealed class ChunkingStream : Stream
{
    private readonly MemoryStream _inner = new();
    private readonly Lock _gate = new();

    /// <summary>Number of Write calls seen.</summary>
    public int Writes { get; private set; }

    /// <summary>Number of Flush calls seen.</summary>
    public int Flushes { get; private set; }

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray()
    {
        lock (_gate)
        {
            return _inner.ToArray();
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
        lock (_gate)
        {
            Flushes++;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_gate)
        {
            Writes++;
        }

        // 7-byte pieces, with one yield half-way: without the sink's lock another writer's bytes would land between
        // them. (A yield after every piece made 8 threads × 200 lines take minutes on a CPU-starved machine.)
        for (var i = 0; i < count; i += 7)
        {
            lock (_gate)
            {
                _inner.Write(buffer, offset + i, Math.Min(7, count - i));
            }

            if (i / 7 == count / 14)
            {
                Thread.Yield();
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
