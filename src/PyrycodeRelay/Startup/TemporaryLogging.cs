using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Startup;

/// <summary>
/// TEMPORARY: a minimal stderr logger factory used by <c>Program</c> until the real log line formatter
/// (operations.md §18) lands. Replace the call in Program.cs and delete this file and
/// <see cref="TemporaryLineLogger"/> / <see cref="TemporaryLineLoggerProvider"/>.
/// </summary>
public static class TemporaryLogging
{
    /// <summary>A factory writing INFO and above to stderr in <paramref name="format"/> (<c>text</c> or <c>json</c>).</summary>
    public static ILoggerFactory CreateFactory(string format) =>
        LoggerFactory.Create(b => b
            .ClearProviders()
            .SetMinimumLevel(LogLevel.Information)
            .AddProvider(new TemporaryLineLoggerProvider(Console.Error, format == "json", TimeProvider.System)));
}
