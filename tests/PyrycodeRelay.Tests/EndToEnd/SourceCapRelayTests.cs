using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Issue 13 finding 1 through the relay: one source filling its share of the connection cap is refused with 429
/// (docs/protocol.md#before-the-upgrade step 2) while other sources keep connecting; X-Forwarded-For sources count apart.
/// </summary>
public sealed class SourceCapRelayTests
{
    private const string Host = "127.0.0.1";

    [Fact]
    public async Task One_source_filling_its_cap_gets_429_and_another_source_still_connects()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { MaxConnections = 100, MaxConnectionsPerSource = 3 });
        var attacker = relay.Target.From("127.0.0.2");
        await using var holder = await relay.ConnectHolderAsync("e2e-victim");
        var held = new List<WsTestClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await relay.ConnectHolderAsync("e2e-attacker-" + i, attacker));
            }

            await relay.WaitForSlotsAsync(4);
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(attacker, RawHttp.BinaryUpgrade(Host, "e2e-attacker-x")), 429);
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(attacker, RawHttp.PhoneUpgrade(Host, "e2e-victim")), 429);
            var warn = Assert.Single(relay.Logs.Named("source_conn_cap_reached"), e => e["path"] == "/v1/server");
            Assert.Equal(LogLevel.Warning, warn.Level);
            Assert.Equal(["path", "remote"], warn.Fields.Select(f => f.Key));
            Assert.Equal("127.0.0.2", warn["remote"]);
            Assert.Empty(relay.Logs.Named("conn_cap_reached"));

            // The victim's phone (another source) connects and reaches its binary.
            var (phone, _) = await relay.ConnectRegisteredPhoneAsync("e2e-victim", relay.Target.From("127.0.0.3"));
            await using var _ = phone;
            await relay.WaitForSlotsAsync(5);

            // A freed slot of the attacker can be used again by it: the cap counts live connections only.
            await held[0].CloseAsync();
            await relay.WaitForSlotsAsync(4);
            held.Add(await relay.ConnectHolderAsync("e2e-attacker-again", attacker));
        }
        finally
        {
            foreach (var c in held)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_sources_are_the_forwarded_clients_and_an_ipv6_64_is_one_source()
    {
        var options = TestRelay.Insecure() with { MaxConnections = 100, MaxConnectionsPerSource = 2, TrustXForwardedFor = true };
        await using var relay = await TestRelay.StartAsync(options);
        var held = new List<WsTestClient>();
        async Task<WsTestClient> Binary(string sid, string xff) =>
            await WsTestClient.ConnectAsync(relay.Target, "/v1/server", new Dictionary<string, string>(ClientHeaders.Binary(sid)) { ["X-Forwarded-For"] = xff });
        try
        {
            // Two addresses of one /64 fill that source's cap; a third address in the same /64 is refused.
            held.Add(await Binary("e2e-v6-a", "2001:db8:1:2::1"));
            held.Add(await Binary("e2e-v6-b", "2001:db8:1:2:ffff:ffff:ffff:ffff"));
            await relay.WaitForSlotsAsync(2);
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.BinaryUpgrade(Host, "e2e-v6-c", "X-Forwarded-For: 2001:db8:1:2:abcd::9")), 429);
            Assert.Equal("2001:db8:1:2::/64", Assert.Single(relay.Logs.Named("source_conn_cap_reached"))["remote"]);

            // The next /64 and an IPv4 client (all through the same proxy peer) are other sources.
            held.Add(await Binary("e2e-v6-d", "2001:db8:1:3::1"));
            held.Add(await Binary("e2e-v4", "forged-left, 203.0.113.9"));
            await relay.WaitForSlotsAsync(4);
            Assert.Equal(1, relay.Host.Admission.ConnectionCap.CountOf("2001:db8:1:3::/64"));
            Assert.Equal(1, relay.Host.Admission.ConnectionCap.CountOf("203.0.113.9"));
        }
        finally
        {
            foreach (var c in held)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Phones_flooding_the_cap_leave_the_binaries_reserve()
    {
        // 16 slots: 2 reserved for each endpoint kind. Phones from many sources take their 14; a binary still gets in.
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure() with { MaxConnections = 16, MaxConnectionsPerSource = 1, RateLimitBurst = 1000 });
        var held = new List<WsTestClient>();
        try
        {
            await using var holder = await relay.ConnectHolderAsync("e2e-flooded", relay.Target.From("127.0.1.100"));
            for (var i = 0; i < 14; i++)
            {
                held.Add(await WsTestClient.ConnectPhoneAsync(relay.Target.From($"127.0.1.{i + 1}"), "e2e-flooded"));
            }

            await relay.WaitForSlotsAsync(15);
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target.From("127.0.1.50"), RawHttp.PhoneUpgrade(Host, "e2e-flooded")), 503);
            await using var reclaimer = await relay.ConnectHolderAsync("e2e-other", relay.Target.From("127.0.1.51"));
            await relay.WaitForSlotsAsync(16);
        }
        finally
        {
            foreach (var c in held)
            {
                await c.DisposeAsync();
            }
        }
    }
}
