using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenarios L 94 (shutdown cancels an in-flight send) and 95 (push metrics on and off).</summary>
[Collection(RelayProcessCollection.Name)]
public sealed class PushLifecycleTests
{
    [Fact]
    public async Task L94_in_process_shutdown_cancels_the_in_flight_send()
    {
        await using var rig = await PushRig.StartAsync();
        rig.BlockSends();
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        var closed = b.ReadUntilCloseAsync();
        await b.SendTextAsync(PushRig.Wake("DEVTOKEN-94"));
        await rig.SendRequestsAsync(1);

        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await rig.Relay.Host.ShutdownAsync());
        Assert.True(sw.Elapsed < rig.Relay.Options.DrainTimeout, $"shutdown took {sw.Elapsed}");
        Assert.Equal((1001, "shutting down"), await closed);
        var failed = Assert.Single(rig.Outcomes);
        Assert.Equal("push_wake_send_failed", failed.Name);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("relay: fcm send failed: context canceled", failed["err"]);
        Assert.Equal(PushRig.Fingerprint("DEVTOKEN-94"), failed["token_fp"]);
        Assert.Single(rig.Stub.SendRequests);
        Assert.Single(rig.Relay.Logs.Named("shutdown complete"));
        rig.AssertLogsFreeOf("DEVTOKEN");
    }

    [Fact]
    public async Task L94_shutdown_during_a_blocked_token_fetch_cancels_every_waiting_wake()
    {
        var tokenGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var rig = await PushRig.StartAsync(stub => stub.TokenHandler = async (ctx, _) =>
        {
            try
            {
                await tokenGate.Task.WaitAsync(ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
        try
        {
            await using var b1 = await rig.Relay.ConnectHolderAsync("e2e-s1");
            await using var b2 = await rig.Relay.ConnectHolderAsync("e2e-s2");
            var closed = new[] { b1.ReadUntilCloseAsync(), b2.ReadUntilCloseAsync() };
            await b1.SendTextAsync(PushRig.Wake("DEVTOKEN-94a"));
            await b2.SendTextAsync(PushRig.Wake("DEVTOKEN-94b"));
            await Eventually.Async(() => rig.Stub.TokenRequests.Count == 1 && rig.Relay.Host.Push is PyrycodeRelay.Push.PushWakeService { InFlight: 2 },
                "one token request and two wakes in flight");

            Assert.True(await rig.Relay.Host.ShutdownAsync());
            await Task.WhenAll(closed);
            Assert.Equal(2, rig.Outcomes.Count);
            Assert.All(rig.Outcomes, o =>
            {
                Assert.Equal("push_wake_send_failed", o.Name);
                Assert.Equal("relay: fcm send failed: context canceled", o["err"]);
            });
            Assert.Single(rig.Stub.TokenRequests);
            Assert.Empty(rig.Stub.SendRequests);
        }
        finally
        {
            tokenGate.TrySetResult();
        }
    }

    [Fact]
    public async Task L94_process_sigterm_cancels_the_in_flight_send_and_exits_0()
    {
        await using var stub = await FcmStub.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stub.SendHandler = FcmStub.Blocking(gate);
        try
        {
            using var relay = await LiveRelay.StartAsync(
                ["--fcm-base-url", stub.BaseUrl, "--fcm-token-url", stub.TokenUrl, "--fcm-project-id", "test-proj", "--drain-timeout", "3s"],
                new Dictionary<string, string> { ["PYRYCODE_RELAY_FCM_CREDENTIALS"] = TestKeys.Json() });
            await using var b = await WsTestClient.ConnectBinaryAsync(relay.Target, "e2e-s1");
            await relay.Process.WaitForStderrAsync(l => l.Contains(" msg=server_claimed ", StringComparison.Ordinal));
            var closed = b.ReadUntilCloseAsync();
            await b.SendTextAsync(PushRig.Wake("DEVTOKEN-94"));
            await Eventually.Async(() => stub.SendRequests.Count == 1, "the send request at the stub");

            var (code, elapsed, stderr) = await relay.StopAsync();
            Assert.True(code == 0, $"exit {code}:\n{string.Join("\n", stderr)}");
            Assert.True(elapsed < TimeSpan.FromSeconds(3 + 2), $"exit took {elapsed}");
            var all = string.Join("\n", stderr);
            Assert.True(relay.Named("push_wake_send_failed").Count == 1, all);
            var failed = relay.Named("push_wake_send_failed")[0];
            Assert.Equal("WARN", failed["level"]);
            Assert.Equal(["time", "level", "msg", "server_id", "token_fp", "duration", "err"], failed.Keys);
            Assert.Equal("relay: fcm send failed: context canceled", failed["err"]);
            Assert.True(relay.Named("shutdown complete").Count == 1, all);
            Assert.Equal((1001, "shutting down"), await closed);
            Assert.DoesNotContain(stderr, l => l.Contains("DEVTOKEN", StringComparison.Ordinal) || l.Contains("ya29.", StringComparison.Ordinal));
        }
        finally
        {
            gate.TrySetResult();
        }
    }

    [Fact]
    public async Task L95_push_on_exports_five_series_at_zero_and_push_off_none()
    {
        await using var stub = await FcmStub.StartAsync();
        using (var on = await LiveRelay.StartAsync(
            ["--fcm-base-url", stub.BaseUrl, "--fcm-token-url", stub.TokenUrl, "--fcm-project-id", "test-proj"],
            new Dictionary<string, string> { ["PYRYCODE_RELAY_FCM_CREDENTIALS"] = TestKeys.Json() }))
        {
            var scrape = await MetricsScrape.ScrapeAsync(on.MetricsPort);
            var family = scrape["pyrycode_relay_push_wakes_total"];
            Assert.Equal("counter", family.Type);
            Assert.Equal(["outcome=dropped", "outcome=send_failed", "outcome=sent", "outcome=token_fetch_failed", "outcome=unregistered"],
                family.Samples.Select(s => s.LabelText).Order(StringComparer.Ordinal));
            Assert.All(family.Samples, s => Assert.Equal(0, s.Value));
            Assert.Empty(on.Named("push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset"));

            await using var b = await WsTestClient.ConnectBinaryAsync(on.Target, "e2e-s95");
            var closed = b.ReadUntilCloseAsync();
            await b.SendTextAsync(PushRig.Wake("DEVTOKEN-95"));
            await MetricsScrape.ExpectAsync(on.MetricsPort, new() { ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=sent"] = 1 } });
            var (code, _, stderr) = await on.StopAsync();
            Assert.Equal(0, code);
            Assert.Equal((1001, "shutting down"), await closed);
            Assert.DoesNotContain(stderr, l => l.Contains("DEVTOKEN", StringComparison.Ordinal));
        }

        using var off = await LiveRelay.StartAsync([]);
        var pushOff = Assert.Single(off.Named("push off: PYRYCODE_RELAY_FCM_CREDENTIALS unset"));
        Assert.Equal("INFO", pushOff["level"]);
        Assert.Equal(["time", "level", "msg"], pushOff.Keys);
        Assert.False((await MetricsScrape.ScrapeAsync(off.MetricsPort)).Has("pyrycode_relay_push_wakes_total"));
        Assert.Equal(0, (await off.StopAsync()).ExitCode);
    }
}
