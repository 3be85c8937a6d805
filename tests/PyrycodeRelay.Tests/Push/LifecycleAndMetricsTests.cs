using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PyrycodeRelay.Push;
using PyrycodeRelay.Tests.Configuration;

namespace PyrycodeRelay.Tests.Push;

public class LifecycleAndMetricsTests
{
    [Fact]
    public async Task All_five_series_exist_at_zero_from_start()
    {
        await using var h = await PushHarness.StartAsync();
        Assert.True(h.Metrics.InstrumentSeen);
        Assert.Equal(
            new Dictionary<string, long> { ["sent"] = 0, ["unregistered"] = 0, ["send_failed"] = 0, ["token_fetch_failed"] = 0, ["dropped"] = 0 },
            h.Metrics.Values);
    }

    [Fact]
    public void Push_off_registers_no_metric()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var probe = new MetricProbe(meters);
        var handler = PushWakeService.Create(null, DefaultOptions.Push, meters, NullLoggerFactory.Instance, TimeProvider.System);
        Assert.IsType<PushOff>(handler);
        Assert.Equal("relay: push is off", handler.TryAdmit("s1", PushHarness.Wake("T")));
        Assert.False(probe.InstrumentSeen);
        Assert.Empty(probe.Values);
    }

    [Fact]
    public async Task Shutdown_cancels_in_flight_sends_and_refuses_new_wakes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = FcmStub.Blocking(gate);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T1")));
        Assert.Null(h.Service.TryAdmit("s2", PushHarness.Wake("T2")));
        await PushHarness.Eventually(() => h.Stub.SendRequests.Count == 2, "two blocked sends");

        var drained = await h.Service.ShutdownAsync(TimeSpan.FromSeconds(10)).WaitAsync(PushHarness.Wait);
        Assert.True(drained);
        Assert.Equal(0, h.Service.InFlight);
        var lines = h.OutcomeEntries;
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.Equal(LogLevel.Warning, l.Level);
            Assert.Equal("push_wake_send_failed", l.EventId.Name);
            Assert.Equal("relay: fcm send failed: context canceled", l["err"]);
        });
        Assert.Equal(2, h.Metrics["send_failed"]);

        Assert.Equal("relay: push is off", h.Service.TryAdmit("s3", PushHarness.Wake("T3")));
        // Rows 2-4 still come first: they are checked before the shutdown row.
        Assert.Equal("relay: push_wake token is empty", h.Service.TryAdmit("s3", """{"platform":"fcm","token":""}"""u8));
        Assert.Equal(0, h.Metrics["dropped"]);
        Assert.True(await h.Service.ShutdownAsync(TimeSpan.FromSeconds(1)));
        gate.SetResult();
    }

    [Fact]
    public async Task Shutdown_during_the_token_fetch_ends_as_send_failed_context_canceled()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync();
        h.Stub.TokenHandler = FcmStub.Blocking(gate);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T1")));
        Assert.Null(h.Service.TryAdmit("s2", PushHarness.Wake("T2"))); // waits for the same refresh
        await PushHarness.Eventually(() => h.Stub.TokenRequests.Count == 1, "the token request");

        Assert.True(await h.Service.ShutdownAsync(TimeSpan.FromSeconds(10)).WaitAsync(PushHarness.Wait));
        Assert.Equal(2, h.OutcomeEntries.Count);
        Assert.All(h.OutcomeEntries, l => Assert.Equal("relay: fcm send failed: context canceled", l["err"]));
        Assert.Equal(2, h.Metrics["send_failed"]);
        Assert.Equal(0, h.Metrics["token_fetch_failed"]);
        Assert.Empty(h.Stub.SendRequests);
        gate.SetResult();
    }

    [Fact]
    public async Task Shutdown_with_nothing_in_flight_returns_at_once()
    {
        await using var h = await PushHarness.StartAsync();
        Assert.True(await h.Service.ShutdownAsync(TimeSpan.Zero).WaitAsync(PushHarness.Wait));
        Assert.Equal("relay: push is off", h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        Assert.Empty(h.Stub.Requests);
    }

    [Fact]
    public async Task Log_lines_have_the_contract_shape_and_no_secrets()
    {
        await using var h = await PushHarness.StartAsync();
        var responses = new Queue<(int, string)>([(200, """{"name":"projects/p/messages/0:123"}"""), (200, "{}"), (404, "x")]);
        h.Stub.SendHandler = (ctx, _) =>
        {
            var (status, body) = responses.Dequeue();
            return FcmStub.Json(ctx, status, body);
        };
        const string token = "fcm-device-token-SECRET-1";
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(h.Service.TryAdmit("srv-" + i, PushHarness.Wake(token)));
            await h.OutcomeLogs(i + 1);
        }

        var fp = PushAssert.Fingerprint(token);
        var lines = h.OutcomeEntries;
        Assert.Equal(
            [(600, "push_wake_sent", LogLevel.Information), (602, "push_wake_sent", LogLevel.Information), (601, "push_wake_send_failed", LogLevel.Warning)],
            lines.Select(l => (l.EventId.Id, l.EventId.Name, l.Level)));
        Assert.StartsWith($"push_wake_sent server_id=srv-0 token_fp={fp} duration=", lines[0].Message, StringComparison.Ordinal);
        Assert.EndsWith(" fcm_message_id=projects/p/messages/0:123", lines[0].Message, StringComparison.Ordinal);
        Assert.StartsWith($"push_wake_sent server_id=srv-1 token_fp={fp} duration=", lines[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fcm_message_id", lines[1].Message, StringComparison.Ordinal);
        Assert.StartsWith($"push_wake_send_failed server_id=srv-2 token_fp={fp} duration=", lines[2].Message, StringComparison.Ordinal);
        Assert.EndsWith(" err=relay: fcm send failed: status 404", lines[2].Message, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Equal(TimeSpan.Zero, l.Value("duration"))); // the fake clock did not move
        Assert.All(lines, l => Assert.Null(l.Exception));
        Assert.DoesNotContain(token, h.Logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.ClientEmail, h.Logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain(FcmStub.AccessToken, h.Logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.PemFragment(), h.Logs.AllText(), StringComparison.Ordinal);
        Assert.Equal(lines.Count, h.Logs.Entries.Count); // the service logs nothing else
    }

    [Fact]
    public async Task Duration_runs_from_admission_to_completion()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = FcmStub.Blocking(gate);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        await PushHarness.Eventually(() => h.Stub.SendRequests.Count == 1, "the send request");
        h.Time.Advance(TimeSpan.FromMilliseconds(152.3));
        gate.SetResult();
        await h.OutcomeLogs(1);
        Assert.Equal(TimeSpan.FromMilliseconds(152.3), h.OutcomeEntries[0].Value("duration"));
    }

    [Fact]
    public void Token_fingerprint_is_8_lowercase_hex_of_sha256()
    {
        Assert.Equal("e632b709", TokenFingerprint.Of("T"));
        Assert.Equal(PushAssert.Fingerprint("T"), TokenFingerprint.Of("T"));
        var longToken = new string('é', 1000);
        Assert.Equal(PushAssert.Fingerprint(longToken), TokenFingerprint.Of(longToken));
    }
}
