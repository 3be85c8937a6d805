namespace PyrycodeRelay.Tests.Observability.Metrics;

/// <summary>Scenario 100: only a grace period (docs/protocol.md#grace-reclaim-and-expiry) that actually freed a server-id counts.</summary>
public sealed class GraceMetricsTests
{
    [Fact]
    public async Task Scenario100_OneExpiry_ReclaimDoesNotCount()
    {
        var grace = TimeSpan.FromSeconds(1);
        await using var relay = await TestRelay.StartAsync(o => o with { GracePeriod = grace }, metrics: true);

        // B1 on s1 closes; its grace expires.
        await using (var b1 = await relay.ConnectHolderAsync("srv-m100-a"))
        {
            await b1.CloseAsync();
        }

        await relay.Logs.WaitForAsync("server_grace_expired", e => e["server_id"] == "srv-m100-a");

        // B2 on s2 closes; B3 reclaims s2 within grace.
        await using (var b2 = await relay.ConnectHolderAsync("srv-m100-b"))
        {
            await b2.CloseAsync();
        }

        var released = DateTime.UtcNow;
        await using var b3 = await relay.ConnectHolderAsync("srv-m100-b");
        Assert.True(DateTime.UtcNow - released < grace, "the reclaim happened within grace");

        // Let B2's grace period run out (with margin) before the final count: a late expiry must not count.
        while (DateTime.UtcNow - released < grace + TimeSpan.FromSeconds(1))
        {
            await Task.Delay(100);
        }

        var scrape = await relay.ExpectMetricsAsync(new()
        {
            ["pyrycode_relay_grace_expiries_total"] = new() { [""] = 1 },
            ["pyrycode_relay_ws_upgrade_attempts_total"] = new() { ["endpoint=server,outcome=accept"] = 3 },
            ["pyrycode_relay_connection_closes_total"] = new() { ["endpoint=server,cause=peer_closed"] = 2 },
            ["pyrycode_relay_connected_binaries"] = new() { [""] = 1 },
        });
        Assert.Single(relay.Logs.Named("server_grace_expired"));
        Assert.Equal(1, scrape.Series("pyrycode_relay_grace_expiries_total"));
    }
}
