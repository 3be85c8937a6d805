using System.Diagnostics;
using System.Text;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Tests.Reliability.Hardening;

/// <summary>
/// Issue 13 finding 5 (docs/logging.md#limits): logging was synchronous under one lock, so a slow stderr reader slowed
/// (or, stuck, stopped) every connection that logged. The production log queue drops and counts instead of blocking.
/// </summary>
public sealed class SlowStderrTests
{
    /// <summary>An stderr nobody reads: every write blocks until <see cref="Release"/>.</summary>
    private sealed class StuckStream : Stream
    {
        private readonly ManualResetEventSlim _open = new();
        private readonly MemoryStream _written = new();

        public void Release() => _open.Set();

        public string Text
        {
            get
            {
                lock (_written)
                {
                    return Encoding.UTF8.GetString(_written.ToArray());
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            _open.Wait();
            lock (_written)
            {
                _written.Write(buffer, offset, count);
            }
        }

        public override void Flush() => _open.Wait();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _open.Set();
            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task A_stuck_stderr_does_not_slow_frame_forwarding_lines_are_dropped_counted_and_reported()
    {
        using var stderr = new StuckStream();
        using var loggers = RelayLogging.CreateQueuedFactory("text", stderr, TimeProvider.System, TimeSpan.FromMilliseconds(200), maxLines: 64);
        var host = await RelayHost.StartAsync(new RelayHostSettings
        {
            Options = TestRelay.Insecure() with { RateLimitBurst = 1_000_000 },
            Loggers = loggers,
            RelayListener = TestRelay.Loopback(0),
            MetricsListener = TestRelay.Loopback(0),
            Push = new PushOff(),
        });
        try
        {
            var target = new RelayTarget(host.RelayPort);

            // The flood of log lines: 200 phones naming a server-id nobody holds (one line each, plus the victim's).
            for (var i = 0; i < 200; i++)
            {
                await using var p = await WsTestClient.ConnectPhoneAsync(target, "nobody");
                await p.ExpectCloseAsync(4404, "no server with that id");
            }

            // The victim's session: its claim and registration log too, and its frames still flow.
            await using var b = await WsTestClient.ConnectBinaryAsync(target, "victim", read: true);
            await Eventually.Async(() => host.Registry.ConnectedBinaries == 1, "the victim's claim");
            await using var phone = await WsTestClient.ConnectPhoneAsync(target, "victim", read: true);
            await Eventually.Async(() => host.Registry.ConnectedPhones == 1, "the victim's phone");
            var sw = Stopwatch.StartNew();
            string? connId = null;
            for (var i = 0; i < 50; i++)
            {
                await phone.SendTextAsync($"{{\"n\":{i}}}");
                var envelope = await b.ReceiveTextAsync();
                connId ??= envelope[12..envelope.IndexOf('"', 12)];
                Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"n\":{i}}}}}", envelope);
                await b.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"r\":{i}}}}}");
                Assert.Equal($"{{\"r\":{i}}}", await phone.ReceiveTextAsync());
            }

            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"50 round trips took {sw.Elapsed}"); // generous: 2 shared cores
            var queue = RelayLogging.QueueOf(loggers)!;
            Assert.True(queue.Dropped >= 100, $"only {queue.Dropped} lines dropped");
            var scrape = await MetricsScrape.WaitForAsync(host.MetricsPort, s => s.Series("pyrycode_relay_log_lines_dropped_total") >= 100, "dropped lines counted");
            Assert.True(scrape.Series("pyrycode_relay_log_lines_dropped_total") <= queue.Dropped);

            // Once stderr is read again, the queued lines come out whole and the drops are reported.
            stderr.Release();
            await Eventually.Async(() => stderr.Text.Contains("msg=log_lines_dropped value=", StringComparison.Ordinal), "the log_lines_dropped report");
            var text = stderr.Text;
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            Assert.All(text.TrimEnd('\n').Split('\n'), l => Assert.StartsWith("time=", l, StringComparison.Ordinal));
            Assert.Contains("level=WARN msg=log_lines_dropped value=", text, StringComparison.Ordinal);
        }
        finally
        {
            stderr.Release();
            await host.DisposeAsync();
        }
    }
}
