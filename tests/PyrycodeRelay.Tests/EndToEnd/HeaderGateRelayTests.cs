using System.Text.Json;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>scenarios.md D 39–42 through the relay: the header gate and the server-id rule.</summary>
public sealed class HeaderGateRelayTests
{
    private const string Host = "127.0.0.1";

    [Fact]
    public async Task D39_to_41_missing_empty_or_blank_headers_get_400_unlogged_and_counted()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure());
        string[] binary = ["X-Pyrycode-Server: e2e-s1", "X-Pyrycode-Version: 0.1.0-test", "User-Agent: pyry-test/0.1.0"];
        for (var i = 0; i < binary.Length; i++)
        {
            var missing = binary.Where((_, j) => j != i).ToArray();
            var empty = binary.Select((h, j) => j == i ? h[..(h.IndexOf(':', StringComparison.Ordinal) + 1)] : h).ToArray();
            RateLimitRelayTests.AssertLimitShape(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", Host, missing)), 400);
            RateLimitRelayTests.AssertLimitShape(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", Host, empty)), 400);
        }

        Assert.Empty(relay.Logs.Entries);
        await using var b = await relay.ConnectHolderAsync("e2e-s1");
        string[] phone = ["X-Pyrycode-Server: e2e-s1", "X-Pyrycode-Token: phone-token-opaque", "User-Agent: pyry-phone-test/0.1.0"];
        for (var i = 0; i < phone.Length; i++)
        {
            var missing = phone.Where((_, j) => j != i).ToArray();
            var empty = phone.Select((h, j) => j == i ? h[..(h.IndexOf(':', StringComparison.Ordinal) + 1)] : h).ToArray();
            RateLimitRelayTests.AssertLimitShape(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/client", Host, missing)), 400);
            RateLimitRelayTests.AssertLimitShape(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/client", Host, empty)), 400);
        }

        RateLimitRelayTests.AssertLimitShape(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/client", Host,
            "X-Pyrycode-Server: e2e-s1", "X-Pyrycode-Token:  \t", "User-Agent: pyry-phone-test/0.1.0")), 400);
        RateLimitRelayTests.AssertLimitShape(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", Host,
            "X-Pyrycode-Server:    ", "X-Pyrycode-Version: 0.1.0-test", "User-Agent: pyry-test/0.1.0")), 400);
        Assert.Equal(["server_claimed"], relay.Logs.Entries.Select(e => e.Name));
        Assert.Equal((1, 0), (relay.Host.Runtime.Registry.ConnectedBinaries, relay.Host.Runtime.Registry.ConnectedPhones));

        var (p, _) = await relay.ConnectRegisteredPhoneAsync("e2e-s1"); // no device name: registers
        await using var _ = p;
        await relay.ExpectMetricsAsync(new()
        {
            ["pyrycode_relay_ws_upgrade_attempts_total"] = new()
            {
                ["endpoint=server,outcome=reject_headers"] = 7, ["endpoint=client,outcome=reject_headers"] = 7,
                ["endpoint=server,outcome=accept"] = 1, ["endpoint=client,outcome=accept"] = 1,
            },
        });
    }

    [Fact]
    public async Task D42_server_id_is_1_to_128_visible_ascii_characters_and_is_escaped_in_conn_ids()
    {
        await using var relay = await TestRelay.StartAsync(TestRelay.Insecure());
        var longest = string.Concat(Enumerable.Range(0, 128).Select(i => (char)('!' + (i % 94))));
        await using var b128 = await relay.ConnectHolderAsync(longest);
        foreach (var bad in new[] { longest + "x", "s 1", "s1é" })
        {
            RateLimitRelayTests.AssertLimitShape(await RawHttp.SendAsync(relay.Target, RawHttp.BinaryUpgrade(Host, bad)), 400);
        }

        const string Odd = "a\"b\\c";
        await using var b = await relay.ConnectHolderAsync(Odd);
        var (p, connId) = await relay.ConnectRegisteredPhoneAsync(Odd);
        await using var _ = p;
        await p.SendTextAsync("{}");
        var envelope = await b.ReceiveTextAsync();
        Assert.StartsWith("{\"conn_id\":\"client-a\\\"b\\\\c-", envelope, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(envelope);
        Assert.Equal(connId, doc.RootElement.GetProperty("conn_id").GetString());
        Assert.Matches("^client-a\"b\\\\c-[0-9a-f]{16}$", connId);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("frame").ValueKind);
        Assert.Equal(2, relay.Host.Runtime.Registry.ConnectedBinaries);
    }
}
