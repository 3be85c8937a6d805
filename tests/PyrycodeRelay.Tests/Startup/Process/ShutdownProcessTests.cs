using System.Net.WebSockets;
using System.Runtime.Versioning;
using System.Text;

namespace PyrycodeRelay.Tests.Startup.Process;

/// <summary>
/// Scenarios O104–O106, L94 and the signal rules of docs/operations.md#shutdown with the real process and real signals.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class ShutdownProcessTests
{
    private static readonly TimeSpan DefaultDrain = TimeSpan.FromSeconds(10);

    /// <summary>The close frame 1001 <c>shutting down</c> as a server writes it (unmasked).</summary>
    private static readonly byte[] ShutdownCloseFrame = [0x88, 0x0F, 0x03, 0xE9, .. Encoding.ASCII.GetBytes("shutting down")];

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task O104_binary_gets_1001_and_the_relay_exits_0_within_the_drain(string signal)
    {
        await using var relay = await LiveRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var sinceSignal = relay.Signal(signal);
        Assert.Equal((1001, "shutting down"), await binary.ReceiveCloseAsync(DefaultDrain));
        await binary.CloseAsync(WebSocketCloseStatus.EndpointUnavailable);
        var stopped = await relay.WaitForExitAsync(sinceSignal);

        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.True(stopped.Elapsed < DefaultDrain, $"exit after {stopped.Elapsed}");
        Assert.Equal("", stopped.Stdout);
        AssertDrainedLog(stopped, "INFO server_claimed");
    }

    [Fact]
    public async Task O105_binary_and_phones_all_get_1001_and_the_binary_no_close_notice()
    {
        await using var relay = await LiveRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync();
        var (p1, _) = await relay.ConnectRegisteredPhoneAsync();
        var (p2, _) = await relay.ConnectRegisteredPhoneAsync();
        await using (p1)
        await using (p2)
        {
            var sinceSignal = relay.Signal();
            // The first thing each client receives is the close frame: for the binary, no close notice precedes it.
            var firsts = await Task.WhenAll(new[] { binary, p1, p2 }.Select(async c =>
            {
                var first = await c.ReceiveAnyAsync(DefaultDrain);
                if (first.Type == WebSocketMessageType.Close)
                {
                    await c.CloseAsync(WebSocketCloseStatus.EndpointUnavailable);
                }

                return first;
            }));
            Assert.All(firsts, f => Assert.Equal(
                (WebSocketMessageType.Close, (WebSocketCloseStatus?)WebSocketCloseStatus.EndpointUnavailable, "shutting down", ""),
                (f.Type, f.Status, f.Reason, Encoding.UTF8.GetString(f.Bytes))));
            var stopped = await relay.WaitForExitAsync(sinceSignal);
            Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
            Assert.True(stopped.Elapsed < DefaultDrain, $"exit after {stopped.Elapsed}");
            AssertDrainedLog(stopped, "INFO server_claimed", "INFO phone_registered", "INFO phone_registered");
        }
    }

    [Fact]
    public async Task O106_a_client_that_never_answers_is_force_closed_at_the_drain_deadline()
    {
        await using var relay = await LiveRelay.StartAsync(["--drain-timeout", "1s"]);
        using var raw = await RawWsClient.ConnectAsync(new RelayTarget(relay.Port), "/v1/server", RawWsClient.BinaryHeaders());
        await relay.WaitForLogAsync("server_claimed");
        var stopped = await relay.StopAsync();

        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.InRange(stopped.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(4500)); // upper: process teardown on a loaded machine
        AssertDeadlineLog(stopped);
        await AssertReceivedShutdownCloseAsync(raw);
    }

    [Fact]
    public async Task A_second_sigterm_during_the_drain_is_ignored()
    {
        await using var relay = await LiveRelay.StartAsync(["--drain-timeout", "2s"]);
        using var raw = await RawWsClient.ConnectAsync(new RelayTarget(relay.Port), "/v1/server", RawWsClient.BinaryHeaders());
        await relay.WaitForLogAsync("server_claimed");
        var sinceSignal = relay.Signal("TERM");
        await relay.WaitForLogAsync("shutdown signal received; draining");
        relay.Process.Signal("TERM");
        relay.Process.Signal("INT");
        var stopped = await relay.WaitForExitAsync(sinceSignal);

        // Exit 0 (not killed by the signal: 143/130), only at the drain deadline, one drain.
        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
        Assert.InRange(stopped.Elapsed, TimeSpan.FromMilliseconds(1900), TimeSpan.FromMilliseconds(5500));
        AssertDeadlineLog(stopped);
    }

    [Fact]
    public async Task L94_an_in_flight_push_wake_is_cancelled_by_the_drain()
    {
        await using var stub = await FcmStub.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stub.SendHandler = FcmStub.Blocking(release);
        try
        {
            await using var relay = await LiveRelay.StartAsync(
                ["--fcm-token-url", stub.TokenUrl, "--fcm-base-url", stub.BaseUrl],
                new Dictionary<string, string> { ["PYRYCODE_RELAY_FCM_CREDENTIALS"] = TestKeys.Json() });
            await using var binary = await relay.ConnectHolderAsync();
            await binary.SendTextAsync("""{"push_wake":{"platform":"fcm","token":"T"}}""");
            await Eventually.Async(() => stub.SendRequests.Count == 1, "the send request at the stub");

            var sinceSignal = relay.Signal();
            Assert.Equal((1001, "shutting down"), await binary.ReceiveCloseAsync(DefaultDrain));
            await binary.CloseAsync(WebSocketCloseStatus.EndpointUnavailable);
            var stopped = await relay.WaitForExitAsync(sinceSignal);

            Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");
            Assert.True(stopped.Elapsed < DefaultDrain + TimeSpan.FromSeconds(1), $"exit after {stopped.Elapsed}");
            var failed = stopped.Single("push_wake_send_failed");
            Assert.Equal(["time", "level", "msg", "server_id", "token_fp", "duration", "err"], failed.Keys);
            Assert.Equal(("WARN", "s1", "relay: fcm send failed: context canceled"), (failed["level"], failed["server_id"], failed["err"]));
            Assert.Equal(1, stopped.LevelMsgs.Count(l => l == "INFO shutdown signal received; draining"));
            Assert.True(stopped.LevelMsgs.ToList().IndexOf("WARN push_wake_send_failed") > stopped.LevelMsgs.ToList().IndexOf("INFO shutdown signal received; draining"));
            Assert.Single(stub.SendRequests);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    /// <summary>
    /// The log of a drain that completed: the boot lines, <paramref name="sessionLines"/> (LEVEL msg), then
    /// INFO <c>shutdown signal received; draining</c> … INFO <c>shutdown complete</c> as the last line, and no
    /// WARN or ERROR anywhere.
    /// </summary>
    private static void AssertDrainedLog(StoppedRelay stopped, params string[] sessionLines)
    {
        string[] boot = ["INFO push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset", "INFO starting", "INFO starting metrics listener"];
        var msgs = stopped.LevelMsgs;
        Assert.Equal([.. boot, .. sessionLines], msgs.Take(boot.Length + sessionLines.Length));
        var drain = msgs.ToList().IndexOf("INFO shutdown signal received; draining");
        Assert.True(drain == boot.Length + sessionLines.Length, stopped.StderrText);
        Assert.Equal("INFO shutdown complete", msgs[^1]);
        Assert.Single(msgs, m => m == "INFO shutdown complete");
        Assert.Single(msgs, m => m == "INFO shutdown signal received; draining");
        Assert.DoesNotContain(stopped.Lines, l => l["level"] is "WARN" or "ERROR");
    }

    /// <summary>
    /// The log of a drain that hit its deadline: one <c>shutdown signal received; draining</c>, then WARN
    /// <c>shutdown deadline exceeded; force-closed listeners</c> and WARN <c>drain incomplete</c> (each with
    /// <c>err</c>), no <c>shutdown complete</c>, no ERROR.
    /// </summary>
    private static void AssertDeadlineLog(StoppedRelay stopped)
    {
        var msgs = stopped.LevelMsgs.ToList();
        Assert.Single(msgs, m => m == "INFO shutdown signal received; draining");
        var drain = msgs.IndexOf("INFO shutdown signal received; draining");
        var exceeded = msgs.IndexOf("WARN shutdown deadline exceeded; force-closed listeners");
        var incomplete = msgs.IndexOf("WARN drain incomplete");
        Assert.True(drain >= 0 && exceeded > drain && incomplete > exceeded, stopped.StderrText);
        Assert.Equal(["time", "level", "msg", "err"], stopped.Single("shutdown deadline exceeded; force-closed listeners").Keys);
        Assert.Equal(["time", "level", "msg", "err"], stopped.Single("drain incomplete").Keys);
        Assert.NotEqual("", stopped.Single("drain incomplete")["err"]);
        Assert.DoesNotContain("INFO shutdown complete", msgs);
        Assert.DoesNotContain(stopped.Lines, l => l["level"] == "ERROR");
    }

    /// <summary>The silent client's receive buffer holds the relay's close frame 1001 <c>shutting down</c>.</summary>
    private static async Task AssertReceivedShutdownCloseAsync(RawWsClient raw) =>
        Assert.Equal(ShutdownCloseFrame, await raw.ReadBytesAsync(ShutdownCloseFrame.Length, TimeSpan.FromSeconds(5)));
}
