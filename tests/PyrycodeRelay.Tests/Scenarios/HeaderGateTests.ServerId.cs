using System.Text.Json;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>The server-id rule: 1–128 visible ASCII characters, surrounding blanks not part of it, escaped in conn_ids.</summary>
public partial class HeaderGateTests
{
    [Fact]
    public async Task Scenario42_ServerIdLengthAndCharset()
    {
        await using var relay = await StartRelayAsync();
        var id128 = string.Concat(Enumerable.Range(0, 128).Select(i => (char)(0x21 + (i % 94))));
        Assert.Equal(128, id128.Length);
        await using (var b128 = await relay.ConnectHolderAsync(id128, read: true))
        {
            Assert.Equal(id128, relay.Logs.Named("server_claimed").Single()["server_id"]);
        }

        await relay.Logs.WaitForAsync("server_released"); // the last line the released holder logs

        var logsBefore = Events(relay).Count;
        foreach (var bad in new[] { new string('a', 129), "s 1", "s1é" })
        {
            RelayResponses.AssertRefusal(await UpgradeRequestAsync(relay, "/v1/server",
                ("X-Pyrycode-Server", bad), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)), 400);
        }

        Assert.Equal(logsBefore, Events(relay).Count);

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

    [Fact]
    public async Task D42_server_id_is_1_to_128_visible_ascii_characters_and_is_escaped_in_conn_ids()
    {
        await using var relay = await StartInsecureRelayAsync();
        var longest = string.Concat(Enumerable.Range(0, 128).Select(i => (char)('!' + (i % 94))));
        await using var b128 = await relay.ConnectHolderAsync(longest);
        foreach (var bad in new[] { longest + "x", "s 1", "s1é" })
        {
            RelayResponses.AssertRefusal(await RawHttp.SendAsync(relay.Target, RawHttp.BinaryUpgrade("127.0.0.1", bad)), 400);
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
        Assert.Equal(2, relay.Counts.Binaries);
    }

    [Theory]
    [InlineData("s\u007f1")]
    [InlineData("s\u00a01")]
    [InlineData("\u00e9")]
    public async Task ServerIdOutsideVisibleAscii_400(string serverId)
    {
        await using var relay = await StartRelayAsync();
        RelayResponses.AssertRefusal(await UpgradeRequestAsync(relay, "/v1/server",
            ("X-Pyrycode-Server", serverId), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)), 400);
        Assert.Empty(Events(relay));
    }

    [Fact]
    public async Task ServerIdSurroundingSpacesAndTabs_NotPartOfValue()
    {
        await using var relay = await StartRelayAsync();
        var (client, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server",
            [("X-Pyrycode-Server", " \ts1\t "), ("X-Pyrycode-Version", "0.1.0-test"), ("User-Agent", Ua)]);
        await using var _c = client;
        var claimed = await relay.Logs.WaitForAsync("server_claimed");
        Assert.Equal("s1", claimed["server_id"]);
        Assert.Equal("0.1.0-test", claimed["binary_version"]);
    }
}
