using System.Diagnostics;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Reliability.Hardening;

/// <summary>
/// Issue 13 finding 9 (docs/operations.md#abuse-limits-per-session): phones that never send a frame squat a
/// server-id's <c>--phones-per-server</c> slots; <c>--phone-first-frame-timeout</c> closes them 1000, so a real
/// phone can register again.
/// </summary>
public sealed class PhoneSquattingTests
{
    private static readonly TimeSpan FirstFrameTimeout = TimeSpan.FromSeconds(1.5);
    private const string Closes = "pyrycode_relay_connection_closes_total";

    [Fact]
    public async Task Sixteen_silent_phones_are_closed_1000_and_a_real_phone_then_registers()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { PhoneFirstFrameTimeout = FirstFrameTimeout }, metrics: true);
        Assert.Equal(16, relay.Options.PhonesPerServer);
        await using var b = await relay.ConnectHolderAsync("sq", read: true);

        // The attack: 16 phones that register and never send a frame (they do answer Pings and closes).
        var squatters = new List<WsTestClient>();
        var lastArmed = Stopwatch.StartNew();
        for (var i = 0; i < 16; i++)
        {
            lastArmed.Restart(); // before the upgrade that arms this phone's deadline
            squatters.Add((await relay.ConnectRegisteredPhoneAsync("sq")).Client);
        }

        try
        {
            // While they squat, a real phone is locked out.
            await using (var lockedOut = await WsTestClient.ConnectPhoneAsync(relay.Target, "sq"))
            {
                await lockedOut.ExpectCloseAsync(4429, "too many phones for server-id");
            }

            // Each squatter is closed 1000 "first frame timeout"; the last one not before its own deadline.
            var closes = squatters.Select(s => s.ReadUntilCloseAsync()).ToArray();
            await closes[^1];
            var elapsed = lastArmed.Elapsed;
            Assert.All(await Task.WhenAll(closes), c => Assert.Equal((1000, "first frame timeout"), c));
            // Lower bound: the timer may fire one tick early, no more. Upper: 2 shared cores, allow seconds.
            Assert.InRange(elapsed, FirstFrameTimeout - TimeSpan.FromMilliseconds(20), FirstFrameTimeout + TimeSpan.FromSeconds(8));
            await relay.WaitForCountsAsync(1, 0);

            // The binary never learned these conn_ids, so it gets no close notices for them.
            await b.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
            Assert.Equal(16, relay.Logs.Named("phone_first_frame_timeout").Count(e => e["server_id"] == "sq"));

            // The real phone registers now, and its stream keeps flowing past the deadline.
            var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("sq", read: true);
            await using var _ = phone;
            await phone.SendTextAsync("{\"hello\":1}");
            Assert.Equal(Envelopes.Data(connId, "{\"hello\":1}"), await b.ReceiveTextAsync());
            await Task.Delay(FirstFrameTimeout + TimeSpan.FromMilliseconds(500)); // the time the test is about: past its deadline
            await phone.SendTextAsync("{\"hello\":2}");
            Assert.Equal(Envelopes.Data(connId, "{\"hello\":2}"), await b.ReceiveTextAsync());
            await phone.AssertSilentAsync(TimeSpan.FromMilliseconds(100));

            await relay.ExpectMetricsAsync(new()
            {
                [Closes] = new()
                {
                    ["endpoint=client,cause=first_frame_timeout"] = 16,
                    ["endpoint=client,cause=rejected"] = 1,
                },
            });
        }
        finally
        {
            foreach (var s in squatters)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_phone_whose_first_frame_arrives_in_time_is_not_closed()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { PhoneFirstFrameTimeout = TimeSpan.FromMilliseconds(800) }, metrics: true);
        await using var b = await relay.ConnectHolderAsync("sq2", read: true);
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync("sq2", read: true);
        await using var _ = phone;
        await phone.SendTextAsync("[]");
        Assert.Equal(Envelopes.Data(connId, "[]"), await b.ReceiveTextAsync());
        await phone.AssertSilentAsync(TimeSpan.FromSeconds(1.6)); // twice the deadline: no close
        Assert.Empty(relay.Logs.Named("phone_first_frame_timeout"));
    }
}
