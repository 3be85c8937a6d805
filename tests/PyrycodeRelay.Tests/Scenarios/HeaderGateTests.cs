using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>
/// The header gate, end to end (scenarios D 39–42, docs/protocol.md#header-gate): the 400 before the upgrade with the
/// exact refusal shape, nothing registered or logged, the metrics counted; the server-id rule
/// (<c>HeaderGateTests.ServerId.cs</c>) and repeated, empty, mixed-case and non-ASCII headers as real Kestrel
/// parsing hands them to the gate (<c>HeaderGateTests.Repeated.cs</c>). The fuzz target feeds the gate a header
/// dictionary; these tests pin down what it gets.
/// </summary>
public partial class HeaderGateTests : RelayScenario
{
    private const string Ua = "pyry-test/0.1.0";

    [Fact]
    public async Task Scenario39_BinaryMissingOrEmptyHeaders_Six400s_NothingRegisteredOrLogged()
    {
        await using var relay = await StartRelayAsync();
        using var metrics = new RelayMetricsProbe(relay);
        var logsBefore = Events(relay).Count;
        (string, string)[][] requests =
        [
            [("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)],
            [("X-Pyrycode-Server", "s1"), ("User-Agent", Ua)],
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Version", "0.1.0-test")],
            [("X-Pyrycode-Server", ""), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)],
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Version", ""), ("User-Agent", Ua)],
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", "")],
        ];
        foreach (var headers in requests)
        {
            RelayResponses.AssertRefusal(await UpgradeRequestAsync(relay, "/v1/server", headers), 400);
        }

        Assert.Equal((0, 0), await Health.CountsAsync(relay));
        Assert.Equal(logsBefore, Events(relay).Count);
        Assert.Equal(6, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "reject_headers")));
        Assert.Equal(6, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total"));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_register_failures_total"));
    }

    [Fact]
    public async Task Scenario40_PhoneMissingOrEmptyHeaders_Six400s_DeviceNameOptional()
    {
        await using var relay = await StartRelayAsync();
        await using var binary = await relay.ConnectHolderAsync(read: true);
        using var metrics = new RelayMetricsProbe(relay);
        var logsBefore = Events(relay).Count;
        const string PUa = "pyry-phone-test/0.1.0";
        (string, string)[][] requests =
        [
            [("X-Pyrycode-Token", "phone-token-opaque"), ("User-Agent", PUa)],
            [("X-Pyrycode-Server", "s1"), ("User-Agent", PUa)],
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Token", "phone-token-opaque")],
            [("X-Pyrycode-Server", ""), ("X-Pyrycode-Token", "phone-token-opaque"), ("User-Agent", PUa)],
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Token", ""), ("User-Agent", PUa)],
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Token", "phone-token-opaque"), ("User-Agent", "")],
        ];
        foreach (var headers in requests)
        {
            RelayResponses.AssertRefusal(await UpgradeRequestAsync(relay, "/v1/client", headers), 400);
        }

        Assert.Equal((1, 0), await Health.CountsAsync(relay));
        Assert.Equal(logsBefore, Events(relay).Count);
        Assert.Equal(6, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "client"), ("outcome", "reject_headers")));

        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync(read: true);
        await using var _ = phone;
        Assert.Equal("", relay.Logs.Named("phone_registered").Single(e => e["conn_id"] == connId)["device_name"]);
        await Health.WaitForAsync(relay, 1, 1);
        await binary.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Scenario41_WhitespaceOnlyTokenAndServerId_400()
    {
        await using var relay = await StartRelayAsync();
        await using var binary = await relay.ConnectHolderAsync(read: true);
        var logsBefore = Events(relay).Count;

        RelayResponses.AssertRefusal(await UpgradeRequestAsync(relay, "/v1/client",
            ("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Token", "  \t"), ("User-Agent", "pyry-phone-test/0.1.0")), 400);
        RelayResponses.AssertRefusal(await UpgradeRequestAsync(relay, "/v1/server",
            ("X-Pyrycode-Server", "    "), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)), 400);

        Assert.Equal((1, 0), await Health.CountsAsync(relay));
        Assert.Equal(logsBefore, Events(relay).Count);
    }

    [Theory]
    [InlineData("X-Pyrycode-Version", "/v1/server")]
    [InlineData("User-Agent", "/v1/server")]
    [InlineData("User-Agent", "/v1/client")]
    [InlineData("X-Pyrycode-Server", "/v1/client")]
    public async Task WhitespaceOnlyRequiredValue_400(string header, string path)
    {
        await using var relay = await StartRelayAsync();
        await using var binary = await relay.ConnectHolderAsync(read: true);
        var headers = (path == "/v1/server" ? RawWsClient.BinaryHeaders() : RawWsClient.PhoneHeaders())
            .Select(h => h.Item1 == header ? (h.Item1, " \t \t ") : h).ToArray();
        RelayResponses.AssertRefusal(await UpgradeRequestAsync(relay, path, headers), 400);
        Assert.Equal((1, 0), await Health.CountsAsync(relay));
    }

    [Fact]
    public async Task D39_to_41_missing_empty_or_blank_headers_get_400_unlogged_and_counted()
    {
        await using var relay = await StartInsecureRelayAsync();
        string[] binary = ["X-Pyrycode-Server: e2e-s1", "X-Pyrycode-Version: 0.1.0-test", "User-Agent: pyry-test/0.1.0"];
        for (var i = 0; i < binary.Length; i++)
        {
            var missing = binary.Where((_, j) => j != i).ToArray();
            var empty = binary.Select((h, j) => j == i ? h[..(h.IndexOf(':', StringComparison.Ordinal) + 1)] : h).ToArray();
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", "127.0.0.1", missing)), 400);
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", "127.0.0.1", empty)), 400);
        }

        Assert.Empty(Events(relay));
        await using var b = await relay.ConnectHolderAsync("e2e-s1");
        string[] phone = ["X-Pyrycode-Server: e2e-s1", "X-Pyrycode-Token: phone-token-opaque", "User-Agent: pyry-phone-test/0.1.0"];
        for (var i = 0; i < phone.Length; i++)
        {
            var missing = phone.Where((_, j) => j != i).ToArray();
            var empty = phone.Select((h, j) => j == i ? h[..(h.IndexOf(':', StringComparison.Ordinal) + 1)] : h).ToArray();
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/client", "127.0.0.1", missing)), 400);
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/client", "127.0.0.1", empty)), 400);
        }

        RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/client", "127.0.0.1",
            "X-Pyrycode-Server: e2e-s1", "X-Pyrycode-Token:  \t", "User-Agent: pyry-phone-test/0.1.0")), 400);
        RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", "127.0.0.1",
            "X-Pyrycode-Server:    ", "X-Pyrycode-Version: 0.1.0-test", "User-Agent: pyry-test/0.1.0")), 400);
        Assert.Equal(["server_claimed"], Events(relay).Select(e => e.Name));
        Assert.Equal((1, 0), relay.Counts);

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
    public async Task GateRunsBeforeHandshakeValidity_HeaderlessPostIs400()
    {
        await using var relay = await StartRelayAsync();
        using var metrics = new RelayMetricsProbe(relay);
        var response = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", [("User-Agent", Ua)], method: "POST", websocket: false));
        RelayResponses.AssertRefusal(response, 400);
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "reject_headers")));
    }

    [Fact]
    public async Task Token_NeverLoggedNorForwarded()
    {
        await using var relay = await StartRelayAsync();
        await using var binary = await relay.ConnectHolderAsync(read: true);
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client",
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Token", "SECRET-TOKEN-MARKER"), ("User-Agent", "UA-MARKER")]);
        await using var _p = phone;
        await relay.Logs.WaitForAsync("phone_registered");
        await phone.SendTextAsync("{\"x\":1}");
        var envelope = await binary.ReceiveTextAsync();
        Assert.DoesNotContain("SECRET-TOKEN-MARKER", envelope, StringComparison.Ordinal);
        Assert.DoesNotContain("token", envelope, StringComparison.Ordinal);
        Assert.DoesNotContain(relay.Logs.Entries, e => e.ToString().Contains("MARKER", StringComparison.Ordinal));
    }

    /// <summary>
    /// The relay's log events, without the Redis link line each cluster node logs when it connects
    /// (<c>cluster_redis_up</c>, a cross-node run only): what the gate logs, or does not, is what these tests assert.
    /// </summary>
    private static IReadOnlyList<LogEntry> Events(TestRelay relay) =>
        [.. relay.Logs.Entries.Where(e => !(relay.IsCrossNode && e.Name == "cluster_redis_up"))];

    /// <summary>Sends an upgrade request to <paramref name="path"/> with exactly <paramref name="headers"/> (plus valid WebSocket headers).</summary>
    private static Task<RawResponse> UpgradeRequestAsync(TestRelay relay, string path, params (string, string)[] headers) =>
        RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, headers, key: RawWsClient.NewKey()));
}
