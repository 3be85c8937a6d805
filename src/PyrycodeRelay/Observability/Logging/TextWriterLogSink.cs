namespace PyrycodeRelay.Observability.Logging;

/// <summary>Writes lines to a <see cref="TextWriter"/> (tests use a <see cref="StringWriter"/>).</summary>
internal sealed class TextWriterLogSink : LogSink
{
    private readonly TextWriter _writer;

    /// <summary>Writes to <paramref name="writer"/>, which the caller keeps owning.</summary>
    public TextWriterLogSink(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <inheritdoc/>
    protected override void WriteAndFlush(ReadOnlySpan<char> line)
    {
        _writer.Write(line);
        _writer.Flush();
    }

    /// <inheritdoc/>
    protected override void FlushOutput() => _writer.Flush();
}
