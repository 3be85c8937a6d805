using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// The relay's real log output (the production <see cref="RelayLoggerProvider"/> writing UTF-8 lines to a
/// stream, as it writes to stderr) captured in memory. <see cref="Factory"/> is that pipeline on a
/// <see cref="FakeTimeProvider"/> at 2026-06-01T12:00:00.123Z; <see cref="Output"/> is the stream, for a logging
/// builder of your own (<see cref="TestRelay"/> adds it next to a <see cref="CapturingLoggerProvider"/>).
/// Safe to read while the relay writes.
/// </summary>
internal sealed class LogCapture : IDisposable
{
    /// <summary>The fake clock's start: 2026-06-01T12:00:00.123Z.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, 123, TimeSpan.Zero);

    private readonly LockedStream _output = new();

    /// <summary>Creates a capture in <paramref name="format"/>.</summary>
    public LogCapture(RelayLogFormat format = RelayLogFormat.Text)
    {
        Format = format;
        Time = new FakeTimeProvider(Start);
        Factory = RelayLogging.CreateFactory(format, _output, Time);
        Logger = Factory.CreateLogger("PyrycodeRelay.Tests");
    }

    /// <summary>The output format.</summary>
    public RelayLogFormat Format { get; }

    /// <summary>The clock <see cref="Factory"/> stamps lines with.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>A factory whose only provider is the relay's, writing to <see cref="Output"/>.</summary>
    public ILoggerFactory Factory { get; }

    /// <summary>A logger of a relay category from <see cref="Factory"/>.</summary>
    public ILogger Logger { get; }

    /// <summary>The stream the lines are written to.</summary>
    public Stream Output => _output;

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

    /// <summary>A memory stream whose writes and snapshots are atomic (the relay logs from many threads).</summary>
    private sealed class LockedStream : MemoryStream
    {
        private readonly Lock _lock = new();

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                base.Write(buffer, offset, count);
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_lock)
            {
                base.Write(buffer);
            }
        }

        public override void WriteByte(byte value)
        {
            lock (_lock)
            {
                base.WriteByte(value);
            }
        }

        public override byte[] ToArray()
        {
            lock (_lock)
            {
                return base.ToArray();
            }
        }
    }
}
