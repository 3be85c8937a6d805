namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>
/// Header names and repeats as Kestrel hands them to the gate: names are case-insensitive, the first occurrence of
/// a repeated header is used ("If a header occurs more than once, its first occurrence is used"), and an empty
/// first occurrence counts as missing.
/// </summary>
public partial class HeaderGateTests
{
    public static TheoryData<string, string[]> Refused => new()
    {
        { "/v1/server", ["X-Pyrycode-Server:", "X-Pyrycode-Server: s1", "X-Pyrycode-Version: v", "User-Agent: ua"] },
        { "/v1/server", ["X-Pyrycode-Server: \t ", "X-Pyrycode-Server: s1", "X-Pyrycode-Version: v", "User-Agent: ua"] },
        { "/v1/server", ["X-Pyrycode-Server: s 1", "x-pyrycode-server: s1", "X-Pyrycode-Version: v", "User-Agent: ua"] },
        { "/v1/server", ["X-Pyrycode-Server: s1", "X-Pyrycode-Version:", "X-Pyrycode-Version: v", "User-Agent: ua"] },
        { "/v1/client", ["X-Pyrycode-Server: s1", "X-Pyrycode-Token:", "X-Pyrycode-Token: t", "User-Agent: ua"] },
        { "/v1/client", ["X-Pyrycode-Server: s1", "X-Pyrycode-Token: t", "User-Agent:", "User-Agent: ua"] },
    };

    [Fact]
    public async Task HeaderNames_CaseInsensitive()
    {
        await using var relay = await StartRelayAsync();
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
        await using var relay = await StartRelayAsync();
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
        await using var relay = await StartRelayAsync();
        RelayResponses.AssertRefusal(await UpgradeRequestAsync(relay, "/v1/server",
            ("X-Pyrycode-Server", ""), ("X-Pyrycode-Server", "s1"), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)), 400);
        Assert.Empty(Events(relay));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Empty_or_invalid_first_occurrence_is_refused_400(string path, string[] headers)
    {
        await using var relay = await StartRelayAsync();
        await using var holder = await relay.ConnectHolderAsync();
        var response = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, "127.0.0.1", headers));
        RelayResponses.AssertRefusal(response, 400);
    }

    [Fact]
    public async Task Valid_first_occurrence_wins_over_a_later_invalid_one()
    {
        await using var relay = await StartRelayAsync();
        await using var holder = await relay.ConnectHolderAsync();
        var response = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(
            "/v1/client", "127.0.0.1", "X-Pyrycode-Server: s1", "X-Pyrycode-Server:", "X-Pyrycode-Token: t", "X-Pyrycode-Token:", "User-Agent: ua"));
        Assert.StartsWith("HTTP/1.1 101", response.StatusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonAsciiUtf8InOtherHeaders_Accepted()
    {
        await using var relay = await StartRelayAsync();
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
}
