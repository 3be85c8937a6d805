using System.Text;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Tests.Push;

public class AdmissionTests
{
    [Theory]
    [InlineData("[\"T\"]", "relay: malformed push_wake")]
    [InlineData("\"T\"", "relay: malformed push_wake")]
    [InlineData("42", "relay: malformed push_wake")]
    [InlineData("true", "relay: malformed push_wake")]
    [InlineData("{\"platform\":1,\"token\":\"T\"}", "relay: malformed push_wake")]
    [InlineData("{\"platform\":\"fcm\",\"token\":5}", "relay: malformed push_wake")]
    [InlineData("{\"platform\":\"fcm\",\"token\":[\"T\"]}", "relay: malformed push_wake")]
    [InlineData("{\"platform\":\"apns\",\"token\":7}", "relay: malformed push_wake")]
    [InlineData("{\"platform\":\"apns\",\"token\":\"T\"}", "relay: push_wake platform not supported")]
    [InlineData("{\"platform\":\"webpush\",\"token\":\"T\"}", "relay: push_wake platform not supported")]
    [InlineData("{\"platform\":\"FCM\",\"token\":\"T\"}", "relay: push_wake platform not supported")]
    [InlineData("{\"platform\":\"fcm \",\"token\":\"T\"}", "relay: push_wake platform not supported")]
    [InlineData("{\"token\":\"T\"}", "relay: push_wake platform not supported")]
    [InlineData("{\"platform\":null,\"token\":\"T\"}", "relay: push_wake platform not supported")]
    [InlineData("{}", "relay: push_wake platform not supported")]
    [InlineData("{\"platform\":\"apns\",\"token\":\"\"}", "relay: push_wake platform not supported")]
    [InlineData("{\"platform\":\"fcm\",\"token\":\"\"}", "relay: push_wake token is empty")]
    [InlineData("{\"platform\":\"fcm\"}", "relay: push_wake token is empty")]
    [InlineData("{\"platform\":\"fcm\",\"token\":null}", "relay: push_wake token is empty")]
    public async Task Refusals_have_their_exact_text_and_count_nothing(string json, string expected)
    {
        await using var h = await PushHarness.StartAsync();
        Assert.Equal(expected, h.Service.TryAdmit("s1", Encoding.UTF8.GetBytes(json)));
        Assert.Equal(0, h.Service.InFlight);
        Assert.All(h.Metrics.Values.Values, v => Assert.Equal(0, v));
        Assert.Empty(h.Stub.Requests);
        Assert.Equal(0, h.Service.RateLimiter.BucketCount);
    }

    [Theory]
    [InlineData("{\"platform\":\"fcm\",\"token\":\"T\",\"extra\":{\"deep\":[1,2,{\"x\":null}]},\"n\":1}")]
    [InlineData("{\"extra\":true,\"token\":\"T\",\"platform\":\"fcm\"}")]
    [InlineData("{\"platform\":\"f\\u0063m\",\"token\":\"T\"}")]
    [InlineData("{\"platform\":\"apns\",\"platform\":\"fcm\",\"token\":\"T\"}")]
    public async Task Extra_fields_are_ignored(string json)
    {
        await using var h = await PushHarness.StartAsync();
        Assert.Null(h.Service.TryAdmit("s1", Encoding.UTF8.GetBytes(json)));
        await h.OutcomeLogs(1);
        var send = Assert.Single(h.Stub.SendRequests);
        Assert.Equal("""{"message":{"token":"T","android":{"priority":"HIGH"}}}""", send.BodyText);
    }

    [Fact]
    public void Push_off_refuses_before_parsing()
    {
        var off = new PushOff();
        Assert.Equal("relay: push is off", off.TryAdmit("s1", "not json"u8));
        Assert.Equal("relay: push is off", off.TryAdmit("s1", PushHarness.Wake("T")));
    }

    [Fact]
    public async Task Rate_limit_is_per_server_id_with_burst_6_and_one_token_per_10s()
    {
        await using var h = await PushHarness.StartAsync(o => o with { MaxInFlightPerServer = 100 }); // the in-flight share is not under test
        for (var i = 0; i < 6; i++)
        {
            Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        }

        Assert.Equal("relay: push_wake rate-limited for server-id", h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        Assert.Null(h.Service.TryAdmit("s2", PushHarness.Wake("T2")));
        await h.OutcomeLogs(7);
        await PushHarness.Eventually(() => h.Metrics["sent"] == 7, "sent 7");
        Assert.Equal(1, h.Metrics["dropped"]);
        Assert.Equal(7, h.Stub.SendRequests.Count);

        h.Time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal("relay: push_wake rate-limited for server-id", h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        Assert.Equal("relay: push_wake rate-limited for server-id", h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        Assert.Equal(3, h.Metrics["dropped"]);
        await h.OutcomeLogs(8);
    }

    [Fact]
    public async Task Idle_buckets_are_swept_every_sweep_interval()
    {
        await using var h = await PushHarness.StartAsync();
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        await h.OutcomeLogs(1); // the fake clock only moves once the send is done (its timeout runs on it)
        h.Time.Advance(TimeSpan.FromSeconds(241));
        Assert.Null(h.Service.TryAdmit("s2", PushHarness.Wake("T")));
        await h.OutcomeLogs(2);
        Assert.Equal(2, h.Service.RateLimiter.BucketCount);
        h.Time.Advance(TimeSpan.FromSeconds(58));
        Assert.Equal(2, h.Service.RateLimiter.BucketCount); // no sweep before 5 min
        h.Time.Advance(TimeSpan.FromSeconds(1)); // sweep at 5 min: s1 idle 300 s removed, s2 idle 59 s kept
        Assert.Equal(1, h.Service.RateLimiter.BucketCount);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, h.Service.RateLimiter.BucketCount);
    }

    [Fact]
    public async Task In_flight_cap_of_32_refuses_the_rest_after_spending_the_rate_token()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync(o => o with { MaxInFlightPerServer = 100 }); // the relay-wide cap is under test
        h.Stub.SendHandler = FcmStub.Blocking(gate);
        var refusals = new List<string>();
        for (var s = 1; s <= 6; s++)
        {
            for (var i = 0; i < 6; i++)
            {
                var err = h.Service.TryAdmit($"s{s}", PushHarness.Wake($"T{s}-{i}"));
                if (err is not null)
                {
                    refusals.Add(err);
                }
            }
        }

        Assert.Equal(Enumerable.Repeat("relay: push_wake in-flight cap reached", 4), refusals);
        Assert.Equal(32, h.Service.InFlight);
        Assert.Equal(4, h.Metrics["dropped"]);
        await PushHarness.Eventually(() => h.Stub.SendRequests.Count == 32, "32 send requests at the stub");

        // The refused wakes of s6 spent their rate tokens: s6's bucket is empty.
        Assert.Equal("relay: push_wake rate-limited for server-id", h.Service.TryAdmit("s6", PushHarness.Wake("T")));
        Assert.Equal("relay: push_wake in-flight cap reached", h.Service.TryAdmit("s7", PushHarness.Wake("T")));

        gate.SetResult();
        await PushHarness.Eventually(() => h.Service.InFlight == 0, "in-flight back to 0");
        Assert.Null(h.Service.TryAdmit("s8", PushHarness.Wake("T")));
        await h.OutcomeLogs(33);
        Assert.Equal(33, h.Stub.SendRequests.Count);
        Assert.Equal(33, h.Metrics["sent"]);
        Assert.Equal(6, h.Metrics["dropped"]);
    }

    [Fact]
    public async Task Cap_and_limits_are_configurable()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync(o => o with { MaxInFlight = 2, RateLimitBurst = 1 });
        h.Stub.SendHandler = FcmStub.Blocking(gate);
        Assert.Null(h.Service.TryAdmit("a", PushHarness.Wake("T")));
        Assert.Equal("relay: push_wake rate-limited for server-id", h.Service.TryAdmit("a", PushHarness.Wake("T")));
        Assert.Null(h.Service.TryAdmit("b", PushHarness.Wake("T")));
        Assert.Equal("relay: push_wake in-flight cap reached", h.Service.TryAdmit("c", PushHarness.Wake("T")));
        gate.SetResult();
        await h.OutcomeLogs(2);
    }

    [Fact]
    public async Task Admission_never_blocks_on_the_send()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync();
        h.Stub.SendHandler = FcmStub.Blocking(gate);
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), "TryAdmit returned at once");
        await PushHarness.Eventually(() => h.Stub.SendRequests.Count == 1, "one send request");
        Assert.Empty(h.OutcomeEntries);
        gate.SetResult();
        await h.OutcomeLogs(1);
    }
}
