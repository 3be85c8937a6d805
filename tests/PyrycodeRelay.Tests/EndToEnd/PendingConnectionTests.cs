using PyrycodeRelay.Configuration;
using System.Net.Sockets;
using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Issue 13 finding 6: connections that have not upgraded are capped relay-wide and per source; a connection over a
/// cap is closed at once with zero bytes, /healthz keeps answering, and an upgraded connection leaves the count.
/// </summary>
public sealed class PendingConnectionTests
{
    private const string Host = "127.0.0.1";

    // Long header timeouts so the held connections stay open for the whole test (the relay's are 5 s).
    private static RelayOptions Options(int global, int perSource) => TestRelay.Insecure() with
    {
        MaxPendingConnections = global,
        MaxPendingConnectionsPerSource = perSource,
        RequestHeadersTimeout = TimeSpan.FromSeconds(60),
        KeepAliveTimeout = TimeSpan.FromSeconds(60),
    };

    [Fact]
    public async Task One_source_at_its_cap_is_closed_at_once_while_healthz_and_upgrades_from_others_work()
    {
        await using var relay = await TestRelay.StartAsync(Options(global: 100, perSource: 4));
        var attacker = relay.Target.From("127.0.0.2");
        var held = await HoldAsync(attacker, 4);
        try
        {
            await Eventually.Async(() => relay.Host.Pending.CountOf("127.0.0.2") == 4, () => $"pending {relay.Host.Pending.CountOf("127.0.0.2")}");
            await AssertClosedAtOnceAsync(attacker);
            Assert.Equal(1, relay.Host.Pending.Refused);

            var health = await RawHttp.SendAsync(relay.Target.From("127.0.0.3"), RawHttp.Get("/healthz", Host));
            Assert.Equal(200, health.Status);

            // An upgraded connection no longer counts as pending.
            await using var holder = await relay.ConnectHolderAsync("e2e-pending", relay.Target.From("127.0.0.4"));
            await Eventually.Async(() => relay.Host.Pending.CountOf("127.0.0.4") == 0, () => $"pending {relay.Host.Pending.CountOf("127.0.0.4")}");
            Assert.Equal(4, relay.Host.Pending.Count);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }

        // Closed connections leave the count: the source connects again.
        await Eventually.Async(() => relay.Host.Pending.Count == 0, () => $"pending {relay.Host.Pending.Count}");
        Assert.Equal(200, (await RawHttp.SendAsync(attacker, RawHttp.Get("/healthz", Host))).Status);
    }

    [Fact]
    public async Task At_the_relay_wide_cap_new_connections_are_closed_and_a_kept_alive_health_check_still_answers()
    {
        await using var relay = await TestRelay.StartAsync(Options(global: 6, perSource: 5));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var probe = await relay.Target.From("127.0.0.10").OpenStreamAsync(cts.Token);
        Assert.Equal(200, (await RawHttp.ExchangeAsync(probe, RawHttp.Get("/healthz", Host), cts.Token)).Status);

        var held = await HoldAsync(relay.Target.From("127.0.0.2"), 5);
        try
        {
            await Eventually.Async(() => relay.Host.Pending.Count == 6, () => $"pending {relay.Host.Pending.Count}");
            await AssertClosedAtOnceAsync(relay.Target.From("127.0.0.3"));
            var health = await RawHttp.ExchangeAsync(probe, RawHttp.Get("/healthz", Host), cts.Token);
            Assert.Equal(200, health.Status);
            Assert.StartsWith("{\"status\":\"ok\"", Encoding.UTF8.GetString(health.Body), StringComparison.Ordinal);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }

        await Eventually.Async(() => relay.Host.Pending.Count == 1, () => $"pending {relay.Host.Pending.Count}");
        Assert.Equal(200, (await RawHttp.SendAsync(relay.Target.From("127.0.0.3"), RawHttp.Get("/healthz", Host))).Status);
    }

    /// <summary>Opens <paramref name="count"/> connections that each send half a request line and stall.</summary>
    private static async Task<List<Socket>> HoldAsync(RelayTarget from, int count)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var socket = await from.ConnectAsync();
            sockets.Add(socket);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HT"), SocketFlags.None);
        }

        return sockets;
    }

    private static async Task AssertClosedAtOnceAsync(RelayTarget from)
    {
        using var socket = await from.ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), SocketFlags.None);
        var closed = await RawHttp.ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(10));
        Assert.Empty(closed.Bytes);
        // Closed by the cap, not by a timeout: the held connections' header timeout is 60 s. Generous for 2 shared cores.
        Assert.True(closed.Elapsed < TimeSpan.FromSeconds(5), $"closed after {closed.Elapsed}");
    }
}
