using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>
/// The real relay logging pipeline (LoggerFactory + <see cref="RelayLoggerProvider"/>) writing to a
/// <see cref="MemoryStream"/>, with a <see cref="FakeTimeProvider"/> at 2026-06-01T12:00:00.123Z.
/// </summary>
public sealed class LogCapture : IDisposable
{
    /// <summary>The fake clock's start: 2026-06-01T12:00:00.123Z.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, 123, TimeSpan.Zero);

    private readonly MemoryStream _output = new();

    /// <summary>Creates a capture in <paramref name="format"/>.</summary>
    public LogCapture(RelayLogFormat format = RelayLogFormat.Text)
    {
        Time = new FakeTimeProvider(Start);
        Factory = RelayLogging.CreateFactory(format, _output, Time);
        Logger = Factory.CreateLogger("PyrycodeRelay.Tests");
    }

    /// <summary>The clock used for timestamps.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The factory (its only provider is the relay's).</summary>
    public ILoggerFactory Factory { get; }

    /// <summary>A logger of a relay category.</summary>
    public ILogger Logger { get; }

    /// <summary>Everything written so far, decoded as UTF-8 (invalid bytes fail the decode).</summary>
    public string Text => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_output.ToArray());

    /// <summary>The lines written so far (each must end with a newline).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = Text;
            if (text.Length == 0)
            {
                return [];
            }

            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            return text[..^1].Split('\n');
        }
    }

    /// <summary>The single line written so far.</summary>
    public string SingleLine => Assert.Single(Lines);

    /// <inheritdoc/>
    public void Dispose()
    {
        Factory.Dispose();
        _output.Dispose();
    }
}
