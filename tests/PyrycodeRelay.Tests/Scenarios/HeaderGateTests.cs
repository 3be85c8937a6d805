using System.Text.Json;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>scenarios.md D 39–42 and protocol.md §3.2: the header gate (400 before the upgrade).</summary>
public sealed class HeaderGateTests
{
    private const string Ua = "pyry-test/0.1.0";

    [Fact]
    public async Task Scenario39_BinaryMissingOrEmptyHeaders_Six400s_NothingRegisteredOrLogged()
    {
        await using var relay = await TestRelay.StartAsync();
        using var metrics = new RelayMetricsProbe(relay);
        var logsBefore = relay.Logs.Entries.Count;
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
            Gate.AssertGate400(await Gate.UpgradeRequestAsync(relay, "/v1/server", headers));
        }

        Assert.Equal((0, 0), await Health.CountsAsync(relay));
        Assert.Equal(logsBefore, relay.Logs.Entries.Count);
        Assert.Equal(6, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "reject_headers")));
        Assert.Equal(6, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total"));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_register_failures_total"));
    }

    [Fact]
    public async Task Scenario40_PhoneMissingOrEmptyHeaders_Six400s_DeviceNameOptional()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync(read: true);
        using var metrics = new RelayMetricsProbe(relay);
        var logsBefore = relay.Logs.Entries.Count;
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
            Gate.AssertGate400(await Gate.UpgradeRequestAsync(relay, "/v1/client", headers));
        }

        Assert.Equal((1, 0), await Health.CountsAsync(relay));
        Assert.Equal(logsBefore, relay.Logs.Entries.Count);
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
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync(read: true);
        var logsBefore = relay.Logs.Entries.Count;

        Gate.AssertGate400(await Gate.UpgradeRequestAsync(relay, "/v1/client",
            ("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Token", "  \t"), ("User-Agent", "pyry-phone-test/0.1.0")));
        Gate.AssertGate400(await Gate.UpgradeRequestAsync(relay, "/v1/server",
            ("X-Pyrycode-Server", "    "), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)));

        Assert.Equal((1, 0), await Health.CountsAsync(relay));
        Assert.Equal(logsBefore, relay.Logs.Entries.Count);
    }

    [Theory]
    [InlineData("X-Pyrycode-Version", "/v1/server")]
    [InlineData("User-Agent", "/v1/server")]
    [InlineData("User-Agent", "/v1/client")]
    [InlineData("X-Pyrycode-Server", "/v1/client")]
    public async Task WhitespaceOnlyRequiredValue_400(string header, string path)
    {
        await using var relay = await TestRelay.StartAsync();
        await using var binary = await relay.ConnectHolderAsync(read: true);
        var headers = (path == "/v1/server" ? RawWsClient.BinaryHeaders() : RawWsClient.PhoneHeaders())
            .Select(h => h.Item1 == header ? (h.Item1, " \t \t ") : h).ToArray();
        Gate.AssertGate400(await Gate.UpgradeRequestAsync(relay, path, headers));
        Assert.Equal((1, 0), await Health.CountsAsync(relay));
    }

    [Fact]
    public async Task Scenario42_ServerIdLengthAndCharset()
    {
        await using var relay = await TestRelay.StartAsync();
        var id128 = string.Concat(Enumerable.Range(0, 128).Select(i => (char)(0x21 + (i % 94))));
        Assert.Equal(128, id128.Length);
        await using (var b128 = await relay.ConnectHolderAsync(id128, read: true))
        {
            Assert.Equal(id128, relay.Logs.Named("server_claimed").Single()["server_id"]);
        }

        await relay.Logs.WaitForAsync("server_released"); // the last line the released holder logs

        var logsBefore = relay.Logs.Entries.Count;
        foreach (var bad in new[] { new string('a', 129), "s 1", "s1é" })
        {
            Gate.AssertGate400(await Gate.UpgradeRequestAsync(relay, "/v1/server",
                ("X-Pyrycode-Server", bad), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)));
        }

        Assert.Equal(logsBefore, relay.Logs.Entries.Count);

        const string Odd = "a\"b\\c";
        await using var binary = await relay.ConnectHolderAsync(Odd, read: true);
        var (phone, connId) = await relay.ConnectRegisteredPhoneAsync(Odd, read: true);
        await using var _ = phone;
        await phone.SendTextAsync("{}");
        var envelope = await binary.ReceiveTextAsync();
        Assert.StartsWith("{\"conn_id\":\"client-a\\\"b\\\\c-", envelope, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(envelope);
        Assert.Equal(connId, doc.RootElement.GetProperty("conn_id").GetString());
        Assert.Matches("^client-a\"b\\\\c-[0-9a-f]{16}$", connId);
        Assert.Equal($"{{\"conn_id\":\"client-a\\\"b\\\\c-{connId[^16..]}\",\"frame\":{{}}}}", envelope);
    }

    [Theory]
    [InlineData("s\u007f1")]
    [InlineData("s\u00a01")]
    [InlineData("\u00e9")]
    public async Task ServerIdOutsideVisibleAscii_400(string serverId)
    {
        await using var relay = await TestRelay.StartAsync();
        Gate.AssertGate400(await Gate.UpgradeRequestAsync(relay, "/v1/server",
            ("X-Pyrycode-Server", serverId), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)));
        Assert.Empty(relay.Logs.Entries);
    }

    [Fact]
    public async Task ServerIdSurroundingSpacesAndTabs_NotPartOfValue()
    {
        await using var relay = await TestRelay.StartAsync();
        var (client, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server",
            [("X-Pyrycode-Server", " \ts1\t "), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)]);
        await using var _c = client;
        var claimed = await relay.Logs.WaitForAsync("server_claimed");
        Assert.Equal("s1", claimed["server_id"]);
        Assert.Equal("0.1.0-test", claimed["binary_version"]);
    }

    [Fact]
    public async Task HeaderNames_CaseInsensitive()
    {
        await using var relay = await TestRelay.StartAsync();
        var (binary, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server",
            [("x-pyrycode-server", "s1"), ("X-PYRYCODE-VERSION", "0.1.0-test"), ("user-agent", Ua)]);
        await using var _b = binary;
        Assert.Equal("s1", (await relay.Logs.WaitForAsync("server_claimed"))["server_id"]);
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client",
            [("X-PYRYCODE-SERVER", "s1"), ("x-Pyrycode-tOKEN", "t"), ("USER-AGENT", "ua"), ("x-pyrycode-device-name", "Mixed Case")]);
        await using var _p = phone;
        Assert.Equal("Mixed Case", (await relay.Logs.WaitForAsync("phone_registered"))["device_name"]);
    }

    [Fact]
    public async Task RepeatedHeader_FirstOccurrenceUsed()
    {
        await using var relay = await TestRelay.StartAsync();
        var (binary, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server",
            [("X-Pyrycode-Server", "first"), ("X-Pyrycode-Version", "v-one"), ("User-Agent", Ua), ("X-Pyrycode-Server", "second"), ("X-Pyrycode-Version", "v-two")]);
        await using var _b = binary;
        var claimed = await relay.Logs.WaitForAsync("server_claimed");
        Assert.Equal("first", claimed["server_id"]);
        Assert.Equal("v-one", claimed["binary_version"]);
        Assert.Equal((1, 0), await Health.CountsAsync(relay));

        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client",
            [("X-Pyrycode-Server", "first"), ("X-Pyrycode-Token", "t"), ("User-Agent", "ua"), ("X-Pyrycode-Device-Name", "one"), ("X-Pyrycode-Device-Name", "two"), ("X-Pyrycode-Server", "second")]);
        await using var _p = phone;
        var registered = await relay.Logs.WaitForAsync("phone_registered");
        Assert.Equal("first", registered["server_id"]);
        Assert.Equal("one", registered["device_name"]);
    }

    [Fact]
    public async Task RepeatedHeader_EmptyFirstOccurrence_400()
    {
        await using var relay = await TestRelay.StartAsync();
        Gate.AssertGate400(await Gate.UpgradeRequestAsync(relay, "/v1/server",
            ("X-Pyrycode-Server", ""), ("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)));
        Assert.Empty(relay.Logs.Entries);
    }

    [Fact]
    public async Task NonAsciiUtf8InOtherHeaders_Accepted()
    {
        await using var relay = await TestRelay.StartAsync();
        var (binary, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server",
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Version", "0.1.0-ß"), ("User-Agent", "pyry/1 (Jyväskylä)")]);
        await using var _b = binary;
        Assert.Equal("0.1.0-ß", (await relay.Logs.WaitForAsync("server_claimed"))["binary_version"]);

        const string Device = "Jühänä’s 📱 iPhone";
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client",
            [("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Token", "tøken-ü"), ("User-Agent", "Pyry/1 ☃"), ("X-Pyrycode-Device-Name", Device)]);
        await using var _p = phone;
        Assert.Equal(Device, (await relay.Logs.WaitForAsync("phone_registered"))["device_name"]);
        await Health.WaitForAsync(relay, 1, 1);
    }

    [Fact]
    public async Task GateRunsBeforeHandshakeValidity_HeaderlessPostIs400()
    {
        await using var relay = await TestRelay.StartAsync();
        using var metrics = new RelayMetricsProbe(relay);
        var response = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade("/v1/server", [("User-Agent", Ua)], method: "POST", websocket: false));
        Gate.AssertGate400(response);
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "reject_headers")));
    }

    [Fact]
    public async Task Token_NeverLoggedNorForwarded()
    {
        await using var relay = await TestRelay.StartAsync();
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
}
