namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// Where formatted lines go. Each <see cref="WriteLine"/> writes one whole line under a lock and flushes,
/// so lines from concurrent threads never interleave and nothing waits in a buffer when the process exits.
/// Write failures (for example a closed stderr) are swallowed: logging never throws into relay code.
/// </summary>
internal abstract class LogSink : IDisposable
{
    private readonly Lock _gate = new();

    /// <summary>Writes one complete line (its newline included) and flushes it.</summary>
    public virtual void WriteLine(ReadOnlySpan<char> line)
    {
        lock (_gate)
        {
            try
            {
                WriteAndFlush(line);
            }
            catch (IOException)
            {
                // stderr gone: nothing better to do than drop the line.
            }
            catch (ObjectDisposedException)
            {
                // the output was closed by its owner.
            }
        }
    }

    /// <summary>Flushes the output.</summary>
    public virtual void Flush()
    {
        lock (_gate)
        {
            try
            {
                FlushOutput();
            }
            catch (IOException)
            {
                // see WriteLine
            }
            catch (ObjectDisposedException)
            {
                // see WriteLine
            }
        }
    }

    /// <summary>
    /// Flushes. Writing goes on afterwards: the output belongs to the caller, and the host disposes its
    /// logger providers before the relay logs its last lines (<c>shutdown complete</c>), which must not be lost.
    /// </summary>
    public void Dispose() => Flush();

    /// <summary>Writes the line and flushes; called under the lock.</summary>
    protected abstract void WriteAndFlush(ReadOnlySpan<char> line);

    /// <summary>Flushes; called under the lock.</summary>
    protected abstract void FlushOutput();
}
