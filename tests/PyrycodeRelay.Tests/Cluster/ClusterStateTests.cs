using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Cluster;

/// <summary>
/// Registry state kept in Redis across nodes (docs/architecture.md#cluster-mode): server keys
/// (docs/operations.md#server-keys), <c>--max-server-ids</c> (docs/operations.md#abuse-limits-per-session), and the
/// phone list behind the cross-node 4429 cap after a Redis restart without persistence. Two in-process nodes, one
/// real redis-server.
/// </summary>
public sealed class ClusterStateTests
{
    private const string Header = "X-Pyrycode-Server-Key";
    private const string Claimed = "server-id already claimed";

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static Task<WsTestClient> ConnectAsync(TestRelay node, string serverId, string? key, bool read = false)
    {
        var headers = ClientHeaders.Binary(serverId);
        if (key is not null)
        {
            headers[Header] = key;
        }

        return WsTestClient.ConnectAsync(node.Target, "/v1/server", headers, read);
    }

    private static async Task<WsTestClient> ClaimAsync(TestRelay node, string serverId, string? key)
    {
        var before = node.Logs.Named("server_claimed").Count(e => e["server_id"] == serverId);
        var client = await ConnectAsync(node, serverId, key, read: true);
        await node.Logs.WaitForAsync("server_claimed", _ => node.Logs.Named("server_claimed").Count(e => e["server_id"] == serverId) > before);
        return client;
    }

    [Fact]
    public async Task A_keyed_live_holder_on_another_node_refuses_a_claimant_without_its_key_4409_without_a_probe()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { ConflictProbeTimeout = TimeSpan.FromSeconds(3) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        // Half-open: it never answers a probe, so without keys a claimant would take it over after 3 s.
        using var incumbent = await RawWsClient.ConnectAsync(a.Target, "/v1/server", [.. RawWsClient.BinaryHeaders("k1"), (Header, "secret-A")]);
        await a.Logs.WaitForAsync("server_claimed", e => e["server_id"] == "k1");
        Assert.Contains(Hash("secret-A"), await rig.Redis.CommandAsync("HGET", "pyry:sid:k1", "key"), StringComparison.Ordinal);

        var sw = Stopwatch.StartNew();
        foreach (var key in new string?[] { null, "secret-B", "" })
        {
            await using var attacker = await ConnectAsync(b, "k1", key, read: true);
            Assert.Equal((4409, Claimed), await attacker.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2.5), $"refusals took {sw.Elapsed}: a probe ran"); // one probe alone takes 3 s
        Assert.Equal(3, b.Logs.Named("server_key_mismatch").Count(e => e["server_id"] == "k1"));
        Assert.Empty(a.Logs.Named("server_id_takeover"));
        Assert.Empty(b.Logs.Named("server_id_takeover"));

        // The daemon restarting with its key on node B takes its own half-open connection over (after the probe).
        sw.Restart();
        await using var restarted = await ClaimAsync(b, "k1", "secret-A");
        Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(15));
        foreach (var node in rig.Nodes)
        {
            Assert.DoesNotContain("secret-", node.Logs.AllText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Grace_after_the_holder_node_went_away_keeps_the_key_a_wrong_key_gets_4409_the_right_one_reclaims()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { GracePeriod = TimeSpan.FromMinutes(5) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var holder = await ClaimAsync(a, "k2", "secret-A");
        var (phone, _) = await b.ConnectRegisteredPhoneAsync("k2", read: true);
        await using var _p = phone;

        await a.DisposeAsync(); // node A shuts down: its binary's server-id enters grace, held in Redis only
        Assert.Equal((1001, "shutting down"), await holder.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        await Eventually.Async(() => rig.Redis.CommandAsync("HGET", "pyry:sid:k2", "state").GetAwaiter().GetResult().Contains("grace", StringComparison.Ordinal),
            "k2 gracing in Redis");

        foreach (var key in new string?[] { null, "secret-B", "secret-A x" })
        {
            await using var attacker = await ConnectAsync(b, "k2", key, read: true);
            Assert.Equal((4409, Claimed), await attacker.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(3, b.Logs.Named("server_key_mismatch").Count(e => e["server_id"] == "k2"));
        await phone.AssertSilentAsync(TimeSpan.FromMilliseconds(300)); // the grace and its phone are untouched

        await using var back = await ClaimAsync(b, "k2", " secret-A ");
        Assert.Equal((4404, "binary reclaimed server-id"), await phone.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(Hash("secret-A"), await rig.Redis.CommandAsync("HGET", "pyry:sid:k2", "key"), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-", b.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_server_ids_counts_every_node_the_oldest_grace_ends_early_and_all_live_gets_1013()
    {
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { MaxServerIds = 2, GracePeriod = TimeSpan.FromMinutes(5) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        var g1 = await ClaimAsync(a, "g1", null);
        var (gp, _) = await b.ConnectRegisteredPhoneAsync("g1", read: true);
        await using var _gp = gp;
        await g1.CloseAsync();
        await a.Logs.WaitForAsync("server_released", e => e["server_id"] == "g1");
        await g1.DisposeAsync();
        await using var live1 = await ClaimAsync(b, "live1", null);

        // At the cap (g1 gracing on A, live1 live on B): a new claim on B ends g1's grace early; its phone is closed as on expiry.
        await using var n1 = await ClaimAsync(b, "n1", null);
        Assert.Equal((1000, ""), await gp.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("g1", Assert.Single(b.Logs.Named("server_grace_cut_short"))["server_id"]);
        Assert.Contains(":0", await rig.Redis.CommandAsync("EXISTS", "pyry:sid:g1"), StringComparison.Ordinal);

        // Both live, on different nodes: a new server-id on A is refused 1013, never 4409.
        await using (var refused = await ConnectAsync(a, "n2", null, read: true))
        {
            Assert.Equal((1013, "relay at server-id capacity"), await refused.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Single(a.Logs.Named("server_ids_at_cap"));
        Assert.Empty(a.Logs.Named("server_id_conflict"));

        // A reclaim is not a new server-id, and once live1 graces, n2 is taken in on A by ending live1's grace.
        await live1.CloseAsync();
        await b.Logs.WaitForAsync("server_released", e => e["server_id"] == "live1");
        await using var n2 = await ClaimAsync(a, "n2", null);
        Assert.Equal("live1", Assert.Single(a.Logs.Named("server_grace_cut_short"))["server_id"]);
        await using var p = await WsTestClient.ConnectPhoneAsync(b.Target, "live1", read: true);
        Assert.Equal((4404, "no server with that id"), await p.ReceiveCloseAsync());
        var (np, npId) = await b.ConnectRegisteredPhoneAsync("n2", read: true); // the live ones keep working across nodes
        await using var _np = np;
        await np.SendTextAsync("[1]");
        Assert.Equal(Envelopes.Data(npId, "[1]"), await n2.ReceiveTextAsync());
    }

    [Fact]
    public async Task After_a_Redis_restart_the_phone_cap_holds_at_once_and_the_server_key_is_kept()
    {
        // A 6 s lease: the binary outlives the restart.
        await using var rig = await ClusterRig.StartAsync(configure: o => o with { PhonesPerServer = 2, ClusterLease = TimeSpan.FromSeconds(6) });
        var (a, b) = (rig.Nodes[0], rig.Nodes[1]);
        await using var binary = await ClaimAsync(a, "s1", "secret-A");
        var (p1, c1) = await a.ConnectRegisteredPhoneAsync("s1", read: true);
        await using var _p1 = p1;
        var (p2, _) = await a.ConnectRegisteredPhoneAsync("s1", read: true);
        await using var _p2 = p2;

        await rig.Redis.StopAsync();
        await rig.Redis.StartAgainAsync(); // empty: no persistence
        await ClusterRig.WaitReadyAsync(a);
        await ClusterRig.WaitReadyAsync(b);
        await Eventually.Async(() => rig.Redis.CommandAsync("HGET", "pyry:sid:s1", "node").GetAwaiter().GetResult().Contains("node-a", StringComparison.Ordinal),
            "node-a re-registered s1");
        Assert.Contains(":2", await rig.Redis.CommandAsync("HLEN", "pyry:sid:s1:phones"), StringComparison.Ordinal);
        Assert.Contains(Hash("secret-A"), await rig.Redis.CommandAsync("HGET", "pyry:sid:s1", "key"), StringComparison.Ordinal);

        await using (var p3 = await WsTestClient.ConnectPhoneAsync(b.Target, "s1", read: true))
        {
            Assert.Equal((4429, "too many phones for server-id"), await p3.ReceiveCloseAsync());
        }

        await using (var p4 = await WsTestClient.ConnectPhoneAsync(a.Target, "s1", read: true))
        {
            Assert.Equal((4429, "too many phones for server-id"), await p4.ReceiveCloseAsync());
        }

        await using (var thief = await ConnectAsync(b, "s1", "secret-B", read: true))
        {
            Assert.Equal((4409, Claimed), await thief.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
        }

        await p1.SendTextAsync("[1]"); // the binary and its phones were not disturbed
        Assert.Equal(Envelopes.Data(c1, "[1]"), await binary.ReceiveTextAsync());
    }
}
