using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Tests.Push;

public class OutcomeTests
{
    internal const string DeviceToken = "dEvIcE-TOKEN-SECRET:APA91b_xyz";
    internal const string ReplySecret = "REPLY-TEXT-SECRET";

    internal static string Echo(string extra = "") =>
        $$$"""{"error":{"code":400,"message":"{{{ReplySecret}}} {{{DeviceToken}}} {{{FcmStub.AccessToken}}} {{{TestKeys.ClientEmail}}}"{{{extra}}}}}""";

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(500)]
    public async Task Failed_replies_give_the_status_and_no_reply_text(int status)
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = (ctx, _) => FcmStub.Json(ctx, status, Echo());
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        var line = Assert.Single(h.OutcomeEntries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal($"relay: fcm send failed: status {status}", line["err"]);
        Assert.Single(h.Stub.SendRequests);
        Assert.Equal(1, h.Metrics["send_failed"]);
        PushAssert.NoSecrets(h);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_is_a_failure()
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = (ctx, _) =>
        {
            ctx.Response.Headers.Location = "/elsewhere";
            return FcmStub.Json(ctx, 307, Echo());
        };
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm send failed: status 307", h.OutcomeEntries[0]["err"]);
        var only = Assert.Single(h.Stub.SendRequests);
        Assert.Equal("/v1/projects/test-proj/messages:send", only.Path);
        Assert.Equal(1, h.Metrics["send_failed"]);
        PushAssert.NoSecrets(h);
    }

    [Fact]
    public async Task Unregistered_is_its_own_outcome()
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = (ctx, _) => FcmStub.Json(ctx, 404,
            """{"error":{"code":404,"message":"REPLY-TEXT-SECRET","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}""");
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm send failed: status 404 (NOT_FOUND, UNREGISTERED)", h.OutcomeEntries[0]["err"]);
        Assert.Equal(1, h.Metrics["unregistered"]);
        Assert.Equal(0, h.Metrics["send_failed"]);
        PushAssert.NoSecrets(h);
    }

    [Theory]
    [InlineData(400, """{"error":{"status":"INVALID_ARGUMENT"}}""", "relay: fcm send failed: status 400 (INVALID_ARGUMENT)")]
    [InlineData(404, "<html>not json REPLY-TEXT-SECRET</html>", "relay: fcm send failed: status 404")]
    [InlineData(403, """{"error":{"status":"permission denied","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"SENDER_ID_MISMATCH"}]}}""", "relay: fcm send failed: status 403 (SENDER_ID_MISMATCH)")]
    [InlineData(429, """{"error":{"status":"RESOURCE_EXHAUSTED","details":[{"@type":"other","errorCode":"X"},{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"QUOTA_EXCEEDED"},{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}""", "relay: fcm send failed: status 429 (RESOURCE_EXHAUSTED, QUOTA_EXCEEDED)")]
    [InlineData(400, """{"error":{"status":"INVALID ARGUMENT=forged","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}}""", "relay: fcm send failed: status 400")]
    [InlineData(500, """{"error":"flat"}""", "relay: fcm send failed: status 500")]
    [InlineData(502, "", "relay: fcm send failed: status 502")]
    public async Task Reasons_come_only_from_valid_status_and_error_code(int status, string body, string expected)
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = (ctx, _) => FcmStub.Json(ctx, status, body);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Equal(expected, h.OutcomeEntries[0]["err"]);
        Assert.Equal(1, h.Metrics["send_failed"]);
        Assert.DoesNotContain("forged", h.Logs.AllText(), StringComparison.Ordinal);
        PushAssert.NoSecrets(h);
    }

    [Fact]
    public async Task A_reply_over_4KiB_is_cut_and_gives_the_status_alone()
    {
        var body = """{"error":{"status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}],"pad":"""
            + "\"" + new string('x', 5 * 1024) + "\"}}";
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = async (ctx, _) =>
        {
            // Send 5 KiB, then never finish the body: only a capped reader can complete.
            ctx.Response.StatusCode = 404;
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
            await ctx.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        };
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm send failed: status 404", h.OutcomeEntries[0]["err"]);
        Assert.Equal(1, h.Metrics["send_failed"]);
        Assert.Equal(0, h.Metrics["unregistered"]);
    }

    [Fact]
    public async Task Sent_with_a_valid_message_id()
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = (ctx, _) => FcmStub.Json(ctx, 200, """{"name":"projects/p/messages/0:123"}""");
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        var line = h.OutcomeEntries[0];
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("push_wake_sent", line.EventId.Name);
        Assert.Equal(["server_id", "token_fp", "duration", "fcm_message_id"], line.Keys);
        Assert.Equal("s1", line["server_id"]);
        Assert.Equal(PushAssert.Fingerprint(DeviceToken), line["token_fp"]);
        Assert.Matches("^[0-9a-f]{8}$", (string)line["token_fp"]!);
        Assert.IsType<TimeSpan>(line.Value("duration"));
        Assert.Equal("projects/p/messages/0:123", line["fcm_message_id"]);
        Assert.Equal(1, h.Metrics["sent"]);
        PushAssert.NoSecrets(h);
    }

    [Theory]
    [InlineData("""{"name":"1 err=forged"}""")]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"name":5}""")]
    [InlineData("""{"other":"x"}""")]
    [InlineData("not json forged")]
    [InlineData("")]
    public async Task Sent_without_a_message_id_when_the_name_is_not_valid(string body)
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = (ctx, _) => FcmStub.Json(ctx, 200, body);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        var line = h.OutcomeEntries[0];
        Assert.Equal("push_wake_sent", line.EventId.Name);
        Assert.Equal(["server_id", "token_fp", "duration"], line.Keys);
        Assert.Equal(1, h.Metrics["sent"]);
        Assert.DoesNotContain("forged", h.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_257_character_name_is_not_an_id_but_256_is()
    {
        await using var h = await PushHarness.StartAsync();
        var names = new Queue<string>([new string('a', 257), new string('b', 256)]);
        h.Stub.SendHandler = (ctx, _) => FcmStub.Json(ctx, 200, $$"""{"name":"{{names.Dequeue()}}"}""");
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Null(h.OutcomeEntries[0].Value("fcm_message_id"));
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(2);
        Assert.Equal(new string('b', 256), h.OutcomeEntries[1]["fcm_message_id"]);
    }

    [Fact]
    public async Task A_send_transport_failure_has_a_short_fixed_description()
    {
        await using var h = await PushHarness.StartAsync(o => o with { BaseUrl = "http://127.0.0.1:1" });
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm send failed: connection failed", h.OutcomeEntries[0]["err"]);
        Assert.Equal(1, h.Metrics["send_failed"]);
    }

    [Fact]
    public async Task A_send_that_outlives_the_request_timeout_fails_with_timeout()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = FcmStub.Blocking(gate);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(DeviceToken)));
        await PushHarness.Eventually(() => h.Stub.SendRequests.Count == 1, "the send request");
        h.Time.Advance(TimeSpan.FromSeconds(9.99));
        await Task.Delay(100);
        Assert.Empty(h.OutcomeEntries);
        h.Time.Advance(TimeSpan.FromSeconds(0.01));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm send failed: timeout", h.OutcomeEntries[0]["err"]);
        Assert.Equal(TimeSpan.FromSeconds(10), h.OutcomeEntries[0].Value("duration"));
        Assert.Equal(1, h.Metrics["send_failed"]);
        gate.SetResult();
    }
}
