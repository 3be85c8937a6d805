using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// The drain order of docs/operations.md#signals-and-drain with the real process and real signals: the listeners
/// stop accepting before any connection is closed 1001, and <c>--shutdown-delay</c> withdraws readiness first.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class DrainProcessTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A binary and a phone that redial the instant their 1001 arrives (as the pyry daemon does) find the port
    /// closed: the kernel refuses the connection. Before the fix the relay accepted for 25–50 ms after its drain
    /// began, so a redial was upgraded and closed again. 20 drains, each of a fresh process.
    /// </summary>
    [Fact]
    public async Task A_client_that_redials_on_its_1001_is_refused_never_accepted_then_closed_20_times()
    {
        for (var round = 0; round < 20; round++)
        {
            await using var relay = await LiveRelay.StartAsync(metrics: false);
            await using var binary = await relay.ConnectHolderAsync("drain-" + round);
            var (phone, _) = await relay.ConnectRegisteredPhoneAsync("drain-" + round);
            await using (phone)
            {
                var binaryRedial = CloseThenRedialAsync(binary, relay.Port);
                var phoneRedial = CloseThenRedialAsync(phone, relay.Port);
                var sinceSignal = relay.Signal();
                var outcomes = await Task.WhenAll(binaryRedial, phoneRedial);
                Assert.All(outcomes, o => Assert.Equal("1001 shutting down; redial refused", o));
                await binary.AnswerCloseAsync();
                await phone.AnswerCloseAsync();
                var stopped = await relay.WaitForExitAsync(sinceSignal);
                Assert.True(stopped.ExitCode == 0, $"round {round}: exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
            }
        }
    }

    /// <summary>
    /// <c>--shutdown-delay 1500ms</c>: from the signal on, <c>/readyz</c> answers 503 while <c>/healthz</c> and the
    /// open connections stay up; the 1001 comes no earlier than the delay, then the relay exits 0.
    /// </summary>
    [Fact]
    public async Task Shutdown_delay_turns_readyz_503_before_any_1001()
    {
        var delay = TimeSpan.FromMilliseconds(1500);
        await using var relay = await LiveRelay.StartAsync(["--shutdown-delay", "1500ms"], metrics: false);
        await using var binary = await relay.ConnectHolderAsync();
        var closed = binary.ReceiveCloseAsync(TimeSpan.FromSeconds(20));
        var sinceSignal = relay.Signal();
        var line = await relay.WaitForLogAsync("readiness withdrawn; waiting for the shutdown delay");
        Assert.Equal("1.5s", line["duration"]);

        using var ready = await relay.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var readyAt = sinceSignal.Elapsed;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("{\"ready\":false}", await ready.Content.ReadAsStringAsync());
        using var health = await relay.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(closed.IsCompleted, $"closed before /readyz was checked at {readyAt}");

        Assert.Equal((1001, "shutting down"), await closed);
        var closedAt = sinceSignal.Elapsed;
        Assert.True(readyAt < closedAt, $"readyz at {readyAt}, 1001 at {closedAt}");
        // Lower bound: the delay runs on the relay's clock after the signal arrived (a timer may fire a tick early).
        Assert.True(closedAt >= delay - TimeSpan.FromMilliseconds(20), $"1001 after {closedAt}");
        await binary.AnswerCloseAsync();
        var stopped = await relay.WaitForExitAsync(sinceSignal);
        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.InRange(stopped.Elapsed, delay, TimeSpan.FromSeconds(12)); // upper: drain + process teardown under load
        Assert.Equal("INFO shutdown complete", stopped.LevelMsgs[^1]);
    }

    [Fact]
    public async Task A_negative_shutdown_delay_is_refused_with_exit_2()
    {
        using var process = RelayProcessRunner.Start(["--insecure-listen", "127.0.0.1:1", "--shutdown-delay", "-1s"]);
        var (code, stdout, stderr) = await process.WaitForExitAsync();
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = LogfmtLine.Parse(Assert.Single(stderr), "text");
        Assert.Equal("refusing to start: invalid --shutdown-delay", line["msg"]);
        Assert.Equal("relay: --shutdown-delay must not be negative, got -1s", line["err"]);
    }

    /// <summary>Receives the close, then dials the relay port at once; describes both.</summary>
    private static async Task<string> CloseThenRedialAsync(WsTestClient client, int port)
    {
        var (code, reason) = await client.ReceiveCloseAsync(StepTimeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        string redial;
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(StepTimeout);
            redial = "redial accepted";
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            redial = "redial refused";
        }

        return $"{code} {reason}; {redial}";
    }
}
