using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// systemd <c>Type=notify</c> (docs/deploy.md#systemd) with the real process and a real unix datagram socket in
/// the place of systemd's <c>NOTIFY_SOCKET</c>: <c>READY=1</c> only once the listeners accept, <c>STOPPING=1</c>
/// when SIGTERM starts the drain, and a notify socket that cannot be reached never stops the relay.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class SystemdNotifyProcessTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ready_is_sent_when_the_listeners_accept_and_stopping_when_sigterm_starts_the_drain()
    {
        using var dir = new TempDir();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        var path = dir.File("notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));
        var (relay, ready) = await StartNotifyingAsync(notify, path);
        await using var _ = relay;

        Assert.Equal("READY=1", ready);
        // No retry: at the moment READY=1 arrives, both listeners already answer.
        var health = await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", "127.0.0.1", "Connection: close"));
        Assert.Equal(200, health.Status);
        var metrics = await RawHttp.SendAsync(new RelayTarget(relay.MetricsPort), RawHttp.Get("/metrics", "127.0.0.1", "Connection: close"));
        Assert.Equal(200, metrics.Status);
        Assert.Equal(0, notify.Available); // READY=1 was sent once

        var sinceSignal = relay.Signal("TERM");
        Assert.Equal("STOPPING=1", await ReceiveAsync(notify, relay));
        var stopped = await relay.WaitForExitAsync(sinceSignal);

        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.Equal(0, notify.Available); // nothing after STOPPING=1
        Assert.DoesNotContain(stopped.Lines, l => l["msg"] == "systemd_notify_failed");
    }

    [Fact]
    public async Task An_unreachable_notify_socket_is_logged_and_the_relay_serves_and_stops_as_usual()
    {
        using var dir = new TempDir();
        var missing = dir.File("no-such-socket");
        var (port, metricsPort) = (RelayProcessRunner.FreePort(), RelayProcessRunner.FreePort());
        await using var relay = await LiveRelay.StartAsync(
            ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen", "127.0.0.1:" + metricsPort],
            new RelayTarget(port), "127.0.0.1", metricsPort, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = missing });

        var failed = await relay.WaitForLogAsync("systemd_notify_failed");
        Assert.Equal("WARN", failed["level"]);
        Assert.StartsWith("relay: sd_notify READY=1: ", failed["err"], StringComparison.Ordinal);
        Assert.Equal(200, (await RawHttp.SendAsync(relay.Target, RawHttp.Get("/healthz", "127.0.0.1", "Connection: close"))).Status);

        var stopped = await relay.StopAsync();
        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.Equal(2, stopped.Lines.Count(l => l["msg"] == "systemd_notify_failed")); // READY=1 and STOPPING=1
        Assert.Single(stopped.Lines, l => l["msg"] == "shutdown complete");
    }

    /// <summary>
    /// Starts the relay with <c>NOTIFY_SOCKET</c> = <paramref name="path"/> and returns it with its first datagram.
    /// Starts again on other ports when a port picked as free was taken before the relay bound it (another test's).
    /// </summary>
    private static async Task<(LiveRelay Relay, string First)> StartNotifyingAsync(Socket notify, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (port, metricsPort) = (RelayProcessRunner.FreePort(), RelayProcessRunner.FreePort());
            var relay = await LiveRelay.StartAsync(
                ["--insecure-listen", "127.0.0.1:" + port, "--metrics-listen", "127.0.0.1:" + metricsPort],
                new RelayTarget(port), "127.0.0.1", metricsPort, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path },
                waitReady: false);
            try
            {
                return (relay, await ReceiveAsync(notify, relay));
            }
            catch (Xunit.Sdk.XunitException) when (attempt < 3 && relay.Process.HasExited && LostPort(relay))
            {
                relay.Dispose();
            }
        }
    }

    private static bool LostPort(LiveRelay relay)
    {
        var (_, _, stderr) = relay.Process.WaitForExitAsync().GetAwaiter().GetResult(); // all of stderr read
        return stderr.Any(l => l.Contains("bind: address already in use", StringComparison.Ordinal));
    }

    /// <summary>The next datagram as text; fails if the relay exits first or after <see cref="Wait"/>.</summary>
    private static async Task<string> ReceiveAsync(Socket socket, LiveRelay relay)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Wait);
        var receive = socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).AsTask();
        while (!receive.IsCompleted)
        {
            if (relay.Process.HasExited)
            {
                var (code, _, stderr) = await relay.Process.WaitForExitAsync(); // all of stderr read
                Assert.Fail($"relay exited ({code}) before notifying; stderr:\n" + string.Join("\n", stderr));
            }

            await Task.WhenAny(receive, Task.Delay(100));
        }

        try
        {
            var n = await receive;
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no notify datagram within {Wait}; stderr:\n" + string.Join("\n", relay.Process.StderrLines));
            throw;
        }
    }
}
