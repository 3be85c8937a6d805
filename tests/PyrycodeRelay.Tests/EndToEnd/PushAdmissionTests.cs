using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenarios L 83–86 (docs/protocol.md#push-wake-requests): push_wake envelopes from a real binary connection, admission and limits.</summary>
public sealed partial class PushAdmissionTests
{
    [Fact]
    public async Task L83_a_blocked_send_does_not_delay_a_data_envelope()
    {
        await using var rig = await PushRig.StartAsync();
        var gate = rig.BlockSends();
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        var (p1, p1Id) = await rig.Relay.ConnectRegisteredPhoneAsync("e2e-s1");
        await using var _ = p1;

        await b.SendTextAsync(PushRig.Wake("DEVTOKEN-83"));
        await rig.SendRequestsAsync(1); // the send is now blocked at the stub
        var sw = Stopwatch.StartNew();
        await b.SendTextAsync($$$"""{"conn_id":"{{{p1Id}}}","frame":{"n":1}}""");
        Assert.Equal("""{"n":1}""", await p1.ReceiveTextAsync(TimeSpan.FromSeconds(2)));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"data envelope took {sw.Elapsed}");
        Assert.False(gate.Task.IsCompleted);
        Assert.Empty(rig.Outcomes);

        gate.SetResult();
        await rig.OutcomesAsync(1);
        var send = Assert.Single(rig.Stub.SendRequests);
        Assert.Equal(PushRig.SendBody("DEVTOKEN-83"), send.BodyText);
        Assert.Single(rig.Stub.TokenRequests);
        var sent = Assert.Single(rig.Outcomes);
        Assert.Equal("push_wake_sent", sent.Name);
        Assert.Equal(PushRig.Fingerprint("DEVTOKEN-83"), sent["token_fp"]);
        Assert.Empty(rig.Relay.Logs.Named("binary_forwarder_unmarshal_err"));
        Assert.Empty(rig.Relay.Logs.Named("binary_forwarder_push_wake_dropped"));
        rig.AssertLogsFreeOf("DEVTOKEN");
    }

    [Fact]
    public async Task L84_invalid_wakes_are_dropped_with_their_error_and_data_still_flows()
    {
        await using (var rig = await PushRig.StartAsync())
        {
            await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
            var (p1, p1Id) = await rig.Relay.ConnectRegisteredPhoneAsync("e2e-s1");
            await using var _ = p1;
            string[] wakes =
            [
                PushRig.Wake("DEVTOKEN-84", platform: "apns"),
                PushRig.Wake("DEVTOKEN-84", platform: "webpush"),
                PushRig.Wake(""),
                """{"push_wake":["DEVTOKEN-84"]}""",
            ];
            for (var i = 0; i < wakes.Length; i++)
            {
                await b.SendTextAsync(wakes[i]);
                await b.SendTextAsync($$$"""{"conn_id":"{{{p1Id}}}","frame":{"i":{{{i}}}}}""");
                Assert.Equal($$"""{"i":{{i}}}""", await p1.ReceiveTextAsync());
            }

            var drops = rig.Relay.Logs.Named("binary_forwarder_push_wake_dropped");
            Assert.Equal(
                ["relay: push_wake platform not supported", "relay: push_wake platform not supported", "relay: push_wake token is empty", "relay: malformed push_wake"],
                drops.Select(d => d["err"]));
            Assert.All(drops, d => AssertDropShape(d, "e2e-s1"));
            Assert.Empty(rig.Stub.Requests);
            Assert.Empty(rig.Relay.Logs.Named("binary_forwarder_unmarshal_err"));
            await rig.Relay.ExpectMetricsAsync(new() { ["pyrycode_relay_push_wakes_total"] = [] });
            rig.AssertLogsFreeOf("DEVTOKEN");
        }

        // Push off: a valid wake is refused before anything else.
        await using var off = await TestRelay.StartAsync(TestRelay.Insecure());
        await using var b2 = await off.ConnectHolderAsync("e2e-s1");
        var (p, pId) = await off.ConnectRegisteredPhoneAsync("e2e-s1");
        await using var __ = p;
        await b2.SendTextAsync(PushRig.Wake("DEVTOKEN-84"));
        await b2.SendTextAsync($$"""{"conn_id":"{{pId}}","frame":"after"}""");
        Assert.Equal("\"after\"", await p.ReceiveTextAsync());
        var drop = Assert.Single(off.Logs.Named("binary_forwarder_push_wake_dropped"));
        Assert.Equal("relay: push is off", drop["err"]);
        AssertDropShape(drop, "e2e-s1");
        Assert.DoesNotContain("DEVTOKEN", off.Text, StringComparison.Ordinal);
        Assert.False((await off.ScrapeAsync()).Has("pyrycode_relay_push_wakes_total"));
    }

    [Fact]
    public async Task L85_seven_wakes_from_one_server_id_send_six_and_another_server_id_is_not_limited()
    {
        await using var rig = await PushRig.StartAsync(options: o => o with { PushMaxInFlightPerServer = 6 }); // the share is not under test
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        await using var b2 = await rig.Relay.ConnectHolderAsync("e2e-s2");
        for (var i = 0; i < 7; i++)
        {
            await b.SendTextAsync(PushRig.Wake("DEVTOKEN-85-a" + i));
        }

        await b2.SendTextAsync(PushRig.Wake("DEVTOKEN-85-b"));
        await rig.OutcomesAsync(7);
        await rig.Relay.ExpectMetricsAsync(new() { ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=sent"] = 7, ["outcome=dropped"] = 1 } });

        var drop = Assert.Single(rig.Relay.Logs.Named("binary_forwarder_push_wake_dropped"));
        Assert.Equal("relay: push_wake rate-limited for server-id", drop["err"]);
        AssertDropShape(drop, "e2e-s1");
        Assert.Equal(
            [.. Enumerable.Range(0, 6).Select(i => PushRig.SendBody("DEVTOKEN-85-a" + i)), PushRig.SendBody("DEVTOKEN-85-b")],
            rig.Stub.SendRequests.Select(r => r.BodyText).Order(StringComparer.Ordinal));
        Assert.Equal(7, rig.Outcomes.Count);
        Assert.All(rig.Outcomes, o => Assert.Equal("push_wake_sent", o.Name));
        Assert.Equal(6, rig.Outcomes.Count(o => o["server_id"] == "e2e-s1"));
        Assert.Equal(1, rig.Outcomes.Count(o => o["server_id"] == "e2e-s2"));
        rig.AssertLogsFreeOf("DEVTOKEN");
    }

    [Fact]
    public async Task L86_thirty_two_sends_in_flight_at_most_then_a_new_wake_is_admitted()
    {
        // The relay-wide cap is under test: the per-server-id and per-source shares and the source bucket are opened up.
        await using var rig = await PushRig.StartAsync(options: o => o with
        {
            PushMaxInFlightPerServer = 6, PushMaxInFlightPerSource = 100, PushSourceRateLimitBurst = 100,
        });
        var gate = rig.BlockSends();
        var binaries = new List<WsTestClient>();
        try
        {
            for (var s = 1; s <= 6; s++)
            {
                binaries.Add(await rig.Relay.ConnectHolderAsync("e2e-s" + s));
            }

            await Task.WhenAll(binaries.Select(async (b, s) =>
            {
                for (var i = 0; i < 6; i++)
                {
                    await b.SendTextAsync(PushRig.Wake($"DEVTOKEN-86-{s}-{i}"));
                }

                await b.SendTextAsync("not json"); // its unmarshal_err proves every wake before it was handled
            }));
            await Eventually.Async(() => rig.Relay.Logs.Named("binary_forwarder_unmarshal_err").Count == 6, "every binary's marker");
            await rig.SendRequestsAsync(32);

            var drops = rig.Relay.Logs.Named("binary_forwarder_push_wake_dropped");
            Assert.Equal(4, drops.Count);
            Assert.All(drops, d => Assert.Equal("relay: push_wake in-flight cap reached", d["err"]));
            Assert.Equal(32, rig.Stub.SendRequests.Count);
            Assert.Empty(rig.Outcomes);

            gate.SetResult();
            await rig.OutcomesAsync(32);
            Assert.All(rig.Outcomes, o => Assert.Equal("push_wake_sent", o.Name));
            await using var b7 = await rig.Relay.ConnectHolderAsync("e2e-s7");
            await b7.SendTextAsync(PushRig.Wake("DEVTOKEN-86-new"));
            await rig.OutcomesAsync(33);
            Assert.Equal(33, rig.Stub.SendRequests.Count);
            Assert.Equal(PushRig.SendBody("DEVTOKEN-86-new"), rig.Stub.SendRequests[^1].BodyText);
            Assert.Equal(4, rig.Relay.Logs.Named("binary_forwarder_push_wake_dropped").Count);
            await rig.Relay.ExpectMetricsAsync(new() { ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=sent"] = 33, ["outcome=dropped"] = 4 } });
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
    public async Task An_admitted_wake_outlives_its_binary_connection()
    {
        await using var rig = await PushRig.StartAsync();
        var gate = rig.BlockSends();
        var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        await b.SendTextAsync(PushRig.Wake("DEVTOKEN-gone"));
        await rig.SendRequestsAsync(1);
        await b.CloseAsync();
        await b.DisposeAsync();
        await rig.Relay.Logs.WaitForAsync("server_released");
        gate.SetResult();
        await rig.OutcomesAsync(1);
        Assert.Equal("push_wake_sent", Assert.Single(rig.Outcomes).Name);
    }

    [Fact]
    public async Task A_push_wake_next_to_a_conn_id_is_ignored_and_the_envelope_is_data()
    {
        await using var rig = await PushRig.StartAsync();
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        var (p1, p1Id) = await rig.Relay.ConnectRegisteredPhoneAsync("e2e-s1");
        await using var _ = p1;
        await b.SendTextAsync($$$"""{"conn_id":"{{{p1Id}}}","frame":{"d":1},"push_wake":{"platform":"fcm","token":"DEVTOKEN-x"}}""");
        Assert.Equal("""{"d":1}""", await p1.ReceiveTextAsync());
        await b.SendTextAsync("""{"conn_id":"client-e2e-s1-00000000deadbeef","frame":{},"push_wake":{"platform":"fcm","token":"DEVTOKEN-x"}}""");
        await rig.Relay.Logs.WaitForAsync("binary_forwarder_unknown_conn_id");
        Assert.Empty(rig.Stub.Requests);
        Assert.Empty(rig.Relay.Logs.Named("binary_forwarder_push_wake_dropped"));
        await rig.Relay.ExpectMetricsAsync(new() { ["pyrycode_relay_push_wakes_total"] = [] });
    }

    private static void AssertDropShape(LogEntry drop, string serverId)
    {
        Assert.Equal(LogLevel.Warning, drop.Level);
        Assert.Equal(["server_id", "binary_conn_id", "err"], drop.Fields.Select(f => f.Key));
        Assert.Equal(serverId, drop["server_id"]);
        Assert.Matches(BinaryConnId(), drop["binary_conn_id"]!);
        Assert.StartsWith("server-" + serverId + "-", drop["binary_conn_id"], StringComparison.Ordinal);
    }

    [GeneratedRegex("^server-.+-[0-9a-f]{8}$")]
    private static partial Regex BinaryConnId();
}
