namespace PyrycodeRelay.Tests.Reliability;

/// <summary>
/// The header gate through real Kestrel parsing (protocol.md §3.2): "If a header occurs more than once, its
/// first occurrence is used", and an empty value counts as missing. The fuzz target feeds HeaderGate a
/// header dictionary; these cases pin down what Kestrel actually hands it for repeated and empty headers.
/// </summary>
public sealed class HeaderGateEndToEndTests
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

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Empty_or_invalid_first_occurrence_is_refused_400(string path, string[] headers)
    {
        await using var relay = await TestRelay.StartAsync();
        await using var holder = await relay.ConnectHolderAsync();
        var response = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, "127.0.0.1", headers));
        Assert.StartsWith("HTTP/1.1 400", response.StatusLine, StringComparison.Ordinal);
        Assert.Equal("\n", response.BodyText);
    }

    [Fact]
    public async Task Valid_first_occurrence_wins_over_a_later_invalid_one()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var holder = await relay.ConnectHolderAsync();
        var response = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(
            "/v1/client", "127.0.0.1", "X-Pyrycode-Server: s1", "X-Pyrycode-Server:", "X-Pyrycode-Token: t", "X-Pyrycode-Token:", "User-Agent: ua"));
        Assert.StartsWith("HTTP/1.1 101", response.StatusLine, StringComparison.Ordinal);
    }
}
