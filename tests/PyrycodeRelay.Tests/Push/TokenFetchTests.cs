using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Push;

public class TokenFetchTests
{
    [Theory]
    [InlineData(400, "relay: fcm access-token fetch failed: status 400")]
    [InlineData(302, "relay: fcm access-token fetch failed: status 302")]
    [InlineData(503, "relay: fcm access-token fetch failed: status 503")]
    public async Task A_token_fetch_failure_makes_no_send_request(int status, string expected)
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.TokenHandler = (ctx, _) => FcmStub.Json(ctx, status, OutcomeTests.Echo());
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(OutcomeTests.DeviceToken)));
        await h.OutcomeLogs(1);
        var line = h.OutcomeEntries[0];
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal("push_wake_send_failed", line.EventId.Name);
        Assert.Equal(["server_id", "token_fp", "duration", "err"], line.Keys);
        Assert.Equal(expected, line["err"]);
        Assert.Empty(h.Stub.SendRequests);
        Assert.Single(h.Stub.TokenRequests);
        Assert.Equal(1, h.Metrics["token_fetch_failed"]);
        Assert.Equal(0, h.Metrics["send_failed"]);
        PushAssert.NoSecrets(h);
    }

    [Theory]
    [InlineData("""{"token_type":"Bearer"}""")]
    [InlineData("""{"access_token":""}""")]
    [InlineData("""{"access_token":5}""")]
    [InlineData("""{"access_token":"x","expires_in":"soon"}""")]
    [InlineData("not json ya29.ACCESS-TOKEN-SECRET-stub")]
    [InlineData("[]")]
    public async Task An_undecodable_token_reply_is_a_fetch_failure(string body)
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.TokenHandler = (ctx, _) => FcmStub.Json(ctx, 200, body);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(OutcomeTests.DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm access-token fetch failed", h.OutcomeEntries[0]["err"]);
        Assert.Empty(h.Stub.SendRequests);
        Assert.Equal(1, h.Metrics["token_fetch_failed"]);
        PushAssert.NoSecrets(h);
    }

    [Fact]
    public async Task A_token_reply_over_1MiB_is_cut_and_fails_to_decode()
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.TokenHandler = (ctx, _) => FcmStub.Json(ctx, 200,
            $$"""{"access_token":"{{FcmStub.AccessToken}}","pad":"{{new string('x', 1 << 20)}}"}""");
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(OutcomeTests.DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm access-token fetch failed", h.OutcomeEntries[0]["err"]);
        Assert.Empty(h.Stub.SendRequests);
    }

    [Fact]
    public async Task A_token_transport_failure_is_a_fetch_failure()
    {
        await using var h = await PushHarness.StartAsync(o => o with { TokenUrl = "http://127.0.0.1:1/token" });
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(OutcomeTests.DeviceToken)));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm access-token fetch failed", h.OutcomeEntries[0]["err"]);
        Assert.Equal(1, h.Metrics["token_fetch_failed"]);
    }

    [Fact]
    public async Task A_token_request_that_outlives_the_request_timeout_is_a_fetch_failure()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync();
        h.Stub.TokenHandler = FcmStub.Blocking(gate);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake(OutcomeTests.DeviceToken)));
        await PushHarness.Eventually(() => h.Stub.TokenRequests.Count == 1, "the token request");
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await h.OutcomeLogs(1);
        Assert.Equal("relay: fcm access-token fetch failed", h.OutcomeEntries[0]["err"]);
        Assert.Empty(h.Stub.SendRequests);
        gate.SetResult();
    }
}
