namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Issue 13 finding 7 through the relay and the local FCM stub: throwaway server-ids from one source cannot hold the
/// in-flight slots (per-source rate and share), one server-id holds at most its share, and tokens are shape-checked.
/// </summary>
public sealed class PushFairnessTests
{
    private const string Dropped = "binary_forwarder_push_wake_dropped";

    [Fact]
    public async Task Throwaway_server_ids_from_one_source_are_limited_and_a_real_daemons_wake_is_still_sent()
    {
        await using var rig = await PushRig.StartAsync();
        var gate = rig.BlockSends();
        var attacker = rig.Relay.Target.From("127.0.0.2");
        var binaries = new List<WsTestClient>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                binaries.Add(await rig.Relay.ConnectHolderAsync("e2e-throwaway-" + i, attacker));
            }

            foreach (var (b, i) in binaries.Select((b, i) => (b, i)))
            {
                await b.SendTextAsync(PushRig.Wake("DEVTOKEN-throwaway-" + i));
                await b.SendTextAsync("not json"); // its unmarshal_err proves the wake before it was handled
                await Eventually.Async(() => rig.Relay.Logs.Named("binary_forwarder_unmarshal_err").Count == i + 1, "wake handled");
            }

            // 8 in flight (the source's share), 4 more spent the source's tokens (burst 12), the last 4 found none.
            await rig.SendRequestsAsync(8);
            var errs = rig.Relay.Logs.Named(Dropped).Select(d => d["err"]).ToList();
            Assert.Equal(
                [.. Enumerable.Repeat("relay: push_wake in-flight share reached for source", 4), .. Enumerable.Repeat("relay: push_wake rate-limited for source", 4)],
                errs);

            // The victim's daemon, from its own address, is admitted and its send reaches FCM.
            await using var victim = await rig.Relay.ConnectHolderAsync("e2e-real-daemon", rig.Relay.Target.From("127.0.0.3"));
            await victim.SendTextAsync(PushRig.Wake("DEVTOKEN-victim"));
            await rig.SendRequestsAsync(9);
            Assert.Contains(rig.Stub.SendRequests, r => r.BodyText == PushRig.SendBody("DEVTOKEN-victim"));
            Assert.Equal(8, rig.Relay.Logs.Named(Dropped).Count);

            gate.SetResult();
            await rig.OutcomesAsync(9);
            await rig.Relay.ExpectMetricsAsync(new() { ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=sent"] = 9, ["outcome=dropped"] = 8 } });
            rig.AssertLogsFreeOf("DEVTOKEN");
        }
        finally
        {
            foreach (var b in binaries)
            {
                await b.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task One_server_id_holds_at_most_two_sends_in_flight()
    {
        await using var rig = await PushRig.StartAsync();
        var gate = rig.BlockSends();
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-share");
        await using var other = await rig.Relay.ConnectHolderAsync("e2e-share-other");
        for (var i = 0; i < 3; i++)
        {
            await b.SendTextAsync(PushRig.Wake("DEVTOKEN-share-" + i));
        }

        var drop = await rig.Relay.Logs.WaitForAsync(Dropped);
        Assert.Equal("relay: push_wake in-flight share reached for server-id", drop["err"]);
        Assert.Equal("e2e-share", drop["server_id"]);
        await other.SendTextAsync(PushRig.Wake("DEVTOKEN-share-other"));
        await rig.SendRequestsAsync(3);
        Assert.Single(rig.Relay.Logs.Named(Dropped));

        gate.SetResult();
        await rig.OutcomesAsync(3);
        var service = Assert.IsType<PyrycodeRelay.Push.PushWakeService>(rig.Relay.Host.Push);
        await Eventually.Async(() => service.InFlight == 0, "sends finished"); // the outcome is logged just before the slot is given back
        await b.SendTextAsync(PushRig.Wake("DEVTOKEN-share-again")); // the share came back with the sends
        await rig.OutcomesAsync(4);
        Assert.Single(rig.Relay.Logs.Named(Dropped));
    }

    [Fact]
    public async Task Tokens_not_shaped_like_fcm_registration_tokens_are_dropped_before_any_send()
    {
        await using var rig = await PushRig.StartAsync(options: o => o with { PushMaxInFlightPerServer = 10 });
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-shape");
        var huge = new string('a', 4097);
        foreach (var bad in new[] { "bad/token", "a.b", "sp ace", "\\u00e9t\\u00e9", huge })
        {
            await b.SendTextAsync(PushRig.Wake(bad));
        }

        await Eventually.Async(() => rig.Relay.Logs.Named(Dropped).Count == 5, "five drops");
        Assert.All(rig.Relay.Logs.Named(Dropped), d => Assert.Equal("relay: push_wake token malformed", d["err"]));
        Assert.Empty(rig.Stub.SendRequests);

        var longest = new string('A', 4096);
        await b.SendTextAsync(PushRig.Wake("cXyZ_09:APA91b-token"));
        await b.SendTextAsync(PushRig.Wake(longest));
        await rig.OutcomesAsync(2);
        Assert.All(rig.Outcomes, o => Assert.Equal("push_wake_sent", o.Name));
        Assert.Equal(5, rig.Relay.Logs.Named(Dropped).Count);
        Assert.DoesNotContain("bad/token", rig.Relay.Text, StringComparison.Ordinal);
    }
}
