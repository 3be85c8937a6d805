using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>Provider behaviour: categories, levels, timestamps, flushing, disposal, concurrency.</summary>
public class ProviderTests
{
    private const string Prefix = "time=2026-06-01T12:00:00.123Z level=";

    [Theory]
    [InlineData("Microsoft.AspNetCore.Server.Kestrel")]
    [InlineData("Microsoft.Hosting.Lifetime")]
    [InlineData("System.Net.Http.HttpClient")]
    [InlineData("Other")]
    [InlineData("pyrycodeRelay.Lowercase")]
    public void Framework_and_foreign_categories_are_dropped(string category)
    {
        using var log = new LogCapture();
        var foreign = log.Factory.CreateLogger(category);
        Assert.False(foreign.IsEnabled(LogLevel.Critical));
        RelayLog.ServerReleased(foreign, "s1");
        RelayLog.ServerReleased(log.Factory.CreateLogger("PyrycodeRelay.Registry.ServerRegistry"), "s2");
        Assert.Equal(Prefix + "INFO msg=server_released server_id=s2", log.SingleLine);
    }

    [Fact]
    public void Levels_below_info_are_dropped_and_critical_is_error()
    {
        using var log = new LogCapture();
        Assert.False(log.Logger.IsEnabled(LogLevel.Debug));
        Assert.True(log.Logger.IsEnabled(LogLevel.Information));
        LogLevel[] levels = [LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical, LogLevel.None];
        foreach (var level in levels)
        {
            TestEvents.ProbeLevel(log.Logger, level);
        }

        Assert.Equal(
            [Prefix + "INFO msg=probe_level", Prefix + "WARN msg=probe_level", Prefix + "ERROR msg=probe_level", Prefix + "ERROR msg=probe_level"],
            log.Lines);
    }

    [Fact]
    public void Timestamp_is_utc_with_truncated_milliseconds()
    {
        using var log = new LogCapture();
        log.Time.Advance(TimeSpan.FromTicks(8_779_999)); // .123 + 877.9999 ms = 1.0009999 s
        TestEvents.ShutdownComplete(log.Logger);
        log.Time.SetUtcNow(new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero));
        TestEvents.ShutdownComplete(log.Logger);
        Assert.Equal(
            ["time=2026-06-01T12:00:01.000Z level=INFO msg=\"shutdown complete\"", "time=2027-01-02T03:04:05.000Z level=INFO msg=\"shutdown complete\""],
            log.Lines);
    }

    [Fact]
    public void Exception_argument_becomes_err()
    {
        using var log = new LogCapture();
        TestEvents.ProbeException(log.Logger, "127.0.0.1:80", new IOException("address already in use"));
        Assert.Equal(Prefix + "ERROR msg=probe_exception addr=127.0.0.1:80 err=\"address already in use\"", log.SingleLine);
    }

    [Fact]
    public void Event_without_name_uses_its_template_without_placeholders()
    {
        using var log = new LogCapture();
        var define = LoggerMessage.Define<string>(LogLevel.Information, new EventId(7), "starting metrics listener listen={listen}");
        define(log.Logger, "127.0.0.1:9090", null);
        log.Logger.Log(LogLevel.Warning, default, "plain state", null, (s, _) => s);
        Assert.Equal(
            [Prefix + "INFO msg=\"starting metrics listener\" listen=127.0.0.1:9090", Prefix + "WARN msg=\"plain state\""],
            log.Lines);
    }

    [Fact]
    public void Each_line_is_flushed_when_written()
    {
        var inner = new MemoryStream();
        using var buffered = new BufferedStream(inner, 64 * 1024);
        var factory = RelayLogging.CreateFactory("text", buffered, new FakeTimeProvider(LogCapture.Start));
        RelayLog.ServerReleased(factory.CreateLogger("PyrycodeRelay.X"), "s1");

        // Not disposed yet: the line already left the buffer.
        Assert.Equal(Prefix + "INFO msg=server_released server_id=s1\n", Encoding.UTF8.GetString(inner.ToArray()));
        factory.Dispose();
        Assert.True(buffered.CanWrite); // the output is not closed by the logger
    }

    [Fact]
    public void After_dispose_lines_still_reach_the_output_and_a_closed_output_does_not_throw()
    {
        // The host disposes its providers before the relay logs "shutdown complete"; that line must not be lost.
        var output = new MemoryStream();
        var provider = new RelayLoggerProvider(RelayLogFormat.Text, output, new FakeTimeProvider(LogCapture.Start));
        var logger = provider.CreateLogger("PyrycodeRelay.X");
        RelayLog.ServerReleased(logger, "s1");
        provider.Flush();
        provider.Dispose();
        TestEvents.ShutdownComplete(logger);
        Assert.Equal(
            Prefix + "INFO msg=server_released server_id=s1\n" + Prefix + "INFO msg=\"shutdown complete\"\n",
            Encoding.UTF8.GetString(output.ToArray()));

        // A closed output is not an error for the caller.
        var closed = new MemoryStream();
        using var provider2 = new RelayLoggerProvider(RelayLogFormat.Json, closed, TimeProvider.System);
        closed.Dispose();
        RelayLog.ServerReleased(provider2.CreateLogger("PyrycodeRelay.X"), "s3");
        provider2.Flush();
    }

    [Fact]
    public void Text_writer_output_matches_stream_output()
    {
        var writer = new StringWriter();
        using (var factory = RelayLogging.CreateFactory(RelayLogFormat.Json, writer, new FakeTimeProvider(LogCapture.Start)))
        {
            RelayLog.PhoneRegistered(factory.CreateLogger("PyrycodeRelay.X"), "s1", "c1", "Pixel 9", "::1");
        }

        Assert.Equal(
            "{\"time\":\"2026-06-01T12:00:00.123Z\",\"level\":\"INFO\",\"msg\":\"phone_registered\",\"server_id\":\"s1\",\"conn_id\":\"c1\",\"device_name\":\"Pixel 9\",\"remote\":\"::1\"}\n",
            writer.ToString());
    }

    [Fact]
    public void Format_names_parse_exactly()
    {
        Assert.True(RelayLogging.TryParseFormat("text", out var text));
        Assert.Equal(RelayLogFormat.Text, text);
        Assert.True(RelayLogging.TryParseFormat("json", out var json));
        Assert.Equal(RelayLogFormat.Json, json);
        Assert.False(RelayLogging.TryParseFormat("JSON", out _));
        Assert.False(RelayLogging.TryParseFormat("xml", out _));
        Assert.False(RelayLogging.TryParseFormat(null, out _));
        Assert.Throws<ArgumentException>(() => RelayLogging.CreateFactory("xml", Stream.Null, TimeProvider.System));
    }

    [Theory]
    [InlineData(RelayLogFormat.Text)]
    [InlineData(RelayLogFormat.Json)]
    public void Concurrent_lines_never_interleave(object formatValue)
    {
        var format = (RelayLogFormat)formatValue;
        const int threads = 8;
        const int perThread = 200;
        using var output = new ChunkingStream();
        using (var provider = new RelayLoggerProvider(format, output, new FakeTimeProvider(LogCapture.Start)))
        {
            var logger = provider.CreateLogger("PyrycodeRelay.X");
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var filler = new string((char)('a' + t), 300);
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                for (var i = 0; i < perThread; i++)
                {
                    RelayLog.PhoneForwarderReadEnd(logger, $"s{t}", $"c{i}", filler);
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            Assert.All(workers, w => Assert.True(w.Join(TimeSpan.FromSeconds(60)), "worker did not finish"));
        }

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Equal(string.Empty, lines[^1]);
        Assert.Equal(threads * perThread, lines.Length - 1);
        var seen = new HashSet<string>();
        foreach (var line in lines[..^1])
        {
            var (server, conn) = format == RelayLogFormat.Json ? JsonIds(line) : TextIds(line);
            var t = server[1] - '0';
            var i = conn[1..];
            var filler = new string((char)('a' + t), 300);
            var expected = format == RelayLogFormat.Json
                ? $"{{\"time\":\"2026-06-01T12:00:00.123Z\",\"level\":\"INFO\",\"msg\":\"phone_forwarder_read_end\",\"server_id\":\"s{t}\",\"conn_id\":\"c{i}\",\"err\":\"{filler}\"}}"
                : $"{Prefix}INFO msg=phone_forwarder_read_end server_id=s{t} conn_id=c{i} err={filler}";
            Assert.Equal(expected, line);
            Assert.True(seen.Add(line), "duplicate line");
        }

        Assert.Equal(threads * perThread, output.Writes);
        Assert.True(output.Flushes >= threads * perThread);
    }

    private static (string Server, string Conn) JsonIds(string line)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        return (doc.RootElement.GetProperty("server_id").GetString()!, doc.RootElement.GetProperty("conn_id").GetString()!);
    }

    private static (string Server, string Conn) TextIds(string line)
    {
        var fields = TextLineParser.Parse(line);
        return (fields.Single(f => f.Key == "server_id").Value, fields.Single(f => f.Key == "conn_id").Value);
    }
}
