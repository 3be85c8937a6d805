using System.Diagnostics;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Reliability.Hardening;

/// <summary>
/// Issue 13 finding 13 (docs/operations.md#server-keys): a binary that claims with <c>X-Pyrycode-Server-Key</c> keeps
/// its server-id against anyone who knows only the server-id — during grace (reclaim) and while live (takeover) —
/// and reclaims or takeovers from another source network are logged and counted with a fingerprint, never the address.
/// </summary>
public sealed class ServerKeyTests
{
    private const string Header = "X-Pyrycode-Server-Key";
    private const string Changes = "pyrycode_relay_claim_source_changes_total";

    private static Dictionary<string, string> Binary(string serverId, string? key)
    {
        var headers = ClientHeaders.Binary(serverId);
        if (key is not null)
        {
            headers[Header] = key;
        }

        return headers;
    }

    private static Task<WsTestClient> ConnectAsync(TestRelay relay, string serverId, string? key, RelayTarget? target = null, bool read = false) =>
        WsTestClient.ConnectAsync(target ?? relay.Target, "/v1/server", Binary(serverId, key), read);

    private static async Task<WsTestClient> ClaimAsync(TestRelay relay, string serverId, string? key, RelayTarget? target = null)
    {
        var before = relay.Logs.Named("server_claimed").Count(e => e["server_id"] == serverId);
        var client = await ConnectAsync(relay, serverId, key, target);
        await relay.Logs.WaitForAsync("server_claimed", _ => relay.Logs.Named("server_claimed").Count(e => e["server_id"] == serverId) > before);
        return client;
    }

    [Fact]
    public async Task Grace_reclaim_needs_the_same_key_a_missing_or_different_key_gets_4409()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { GracePeriod = TimeSpan.FromMinutes(5) }, metrics: true);
        var holder = await ClaimAsync(relay, "k1", "secret-A");
        var (phone, _) = await relay.ConnectRegisteredPhoneAsync("k1", read: true);
        await using var _p = phone;
        await holder.CloseAsync();
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "k1");
        await holder.DisposeAsync();

        // The attack: anyone who knows the server-id reclaims it during the grace window.
        foreach (var key in new string?[] { null, "secret-B", "secret-A " + "x", "" })
        {
            await using var attacker = await ConnectAsync(relay, "k1", key);
            await attacker.ExpectCloseAsync(4409, "server-id already claimed");
        }

        Assert.Equal(4, relay.Logs.Named("server_key_mismatch").Count(e => e["server_id"] == "k1"));
        await phone.AssertSilentAsync(TimeSpan.FromMilliseconds(200)); // the grace and its phone are untouched

        // The real daemon comes back with its key (surrounding spaces are trimmed like every header value).
        await using var back = await ClaimAsync(relay, "k1", "  secret-A\t");
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, relay.Logs.Named("server_claimed").Count(e => e["server_id"] == "k1"));
        await relay.ExpectMetricsAsync(new()
        {
            ["pyrycode_relay_ws_upgrade_attempts_total"] = new() { ["endpoint=server,outcome=accept"] = 2, ["endpoint=server,outcome=reject_409"] = 4, ["endpoint=client,outcome=accept"] = 1 },
            [Changes] = [],
        });
    }

    [Fact]
    public async Task A_keyed_live_holder_is_not_probed_for_a_claimant_without_its_key_and_is_never_taken_over()
    {
        // A half-open keyed holder: it never answers the probe, so without keys a claimant would take it over.
        await using var relay = await TestRelay.StartAsync(o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(1) }, metrics: true);
        using var incumbent = await RawWsClient.ConnectAsync(relay.Target, "/v1/server", [.. RawWsClient.BinaryHeaders("k2"), (Header, "daemon-key")]);
        await relay.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "k2");

        var sw = Stopwatch.StartNew();
        await using (var attacker = await ConnectAsync(relay, "k2", null))
        {
            await attacker.ExpectCloseAsync(4409, "server-id already claimed");
        }

        await using (var attacker = await ConnectAsync(relay, "k2", "guess"))
        {
            await attacker.ExpectCloseAsync(4409, "server-id already claimed");
        }

        // No probe ran: both refusals came well within one probe timeout, and no takeover happened.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(0.9), $"refusals took {sw.Elapsed}: a probe ran");
        Assert.Empty(relay.Logs.Named("server_id_takeover"));

        // The daemon restarting with its key does take over its own half-open connection after the probe.
        sw.Restart();
        await using var restarted = await ClaimAsync(relay, "k2", "daemon-key");
        Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8)); // 1 s probe; slack for 2 shared cores
        var takeover = await relay.Logs.WaitForAsync("server_id_takeover", e => e["server_id"] == "k2");
        Assert.Matches("^[0-9a-f]{8}$", takeover["source_fp"]);
        Assert.Empty(relay.Logs.Named("server_id_source_changed")); // same source network: nothing to report
    }

    [Fact]
    public async Task Without_the_header_binaries_behave_as_before_and_a_later_key_is_adopted()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { GracePeriod = TimeSpan.FromMinutes(5) }, metrics: true);
        var first = await ClaimAsync(relay, "k3", null);
        await first.CloseAsync();
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "k3");
        await first.DisposeAsync();

        // No key held: a reclaim without a key works as today, and so does one with a key ...
        var second = await ClaimAsync(relay, "k3", null);
        await second.CloseAsync();
        await relay.Logs.WaitForAsync("server_released", _ => relay.Logs.Named("server_released").Count(e => e["server_id"] == "k3") == 2);
        await second.DisposeAsync();
        var keyed = await ClaimAsync(relay, "k3", "new-key");
        await keyed.CloseAsync();
        await relay.Logs.WaitForAsync("server_released", _ => relay.Logs.Named("server_released").Count(e => e["server_id"] == "k3") == 3);
        await keyed.DisposeAsync();

        // ... which the server-id then keeps for the rest of its life.
        await using (var keyless = await ConnectAsync(relay, "k3", null))
        {
            await keyless.ExpectCloseAsync(4409, "server-id already claimed");
        }

        await using var owner = await ClaimAsync(relay, "k3", "new-key");
        Assert.Empty(relay.Logs.Named("server_id_source_changed"));
    }

    [Fact]
    public async Task A_reclaim_from_another_source_is_logged_with_fingerprints_and_counted()
    {
        await using var relay = await TestRelay.StartAsync(o => o with { GracePeriod = TimeSpan.FromMinutes(5) }, metrics: true);
        var holder = await ClaimAsync(relay, "k4", null, relay.Target.From("127.0.0.1"));
        await holder.CloseAsync();
        await relay.Logs.WaitForAsync("server_released", e => e["server_id"] == "k4");
        await holder.DisposeAsync();

        await using var other = await ClaimAsync(relay, "k4", null, relay.Target.From("127.0.0.3"));
        var changed = await relay.Logs.WaitForAsync("server_id_source_changed", e => e["server_id"] == "k4");
        Assert.Equal("reclaim", changed["reason"]);
        Assert.Matches("^[0-9a-f]{8}$", changed["from"]);
        Assert.Matches("^[0-9a-f]{8}$", changed["to"]);
        Assert.NotEqual(changed["from"], changed["to"]);
        var line = Assert.Single(relay.Text.Split('\n'), l => l.Contains("msg=server_id_source_changed", StringComparison.Ordinal));
        Assert.DoesNotContain("127.0.0", line, StringComparison.Ordinal);
        await relay.ExpectMetricsAsync(new() { [Changes] = new() { ["claim=reclaim"] = 1 } });
    }
}
