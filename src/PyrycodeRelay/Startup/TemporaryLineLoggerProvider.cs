using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>TEMPORARY (see <see cref="TemporaryLogging"/>): provides <see cref="TemporaryLineLogger"/>s sharing one writer.</summary>
public sealed class TemporaryLineLoggerProvider(TextWriter writer, bool json, TimeProvider time) : ILoggerProvider
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new TemporaryLineLogger(writer, json, time);

    /// <inheritdoc />
    public void Dispose() => writer.Flush();
}
