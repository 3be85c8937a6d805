using System.Buffers;
using System.Text;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>Writes lines as UTF-8 bytes (no BOM) to a <see cref="Stream"/>, such as stderr.</summary>
internal sealed class StreamLogSink : LogSink
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly Stream _stream;

    /// <summary>Writes to <paramref name="stream"/>, which the caller keeps owning.</summary>
    public StreamLogSink(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <inheritdoc/>
    protected override void WriteAndFlush(ReadOnlySpan<char> line)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Utf8.GetMaxByteCount(line.Length));
        try
        {
            var count = Utf8.GetBytes(line, bytes);
            _stream.Write(bytes, 0, count);
            _stream.Flush();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <inheritdoc/>
    protected override void FlushOutput() => _stream.Flush();
}
