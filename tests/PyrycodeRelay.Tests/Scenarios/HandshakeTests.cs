using System.Text;
using PyrycodeRelay.Tests.Scenarios.Support;

namespace PyrycodeRelay.Tests.Scenarios;

/// <summary>docs/protocol.md#websocket-handshake: handshake validity after the gate, what follows the 101, and #routes query handling.</summary>
public class HandshakeTests : RelayScenario
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(600);

    public static TheoryData<string, string> Endpoints => new() { { "/v1/server", "server" }, { "/v1/client", "client" }, { "/v2/server", "server" }, { "/v2/client", "client" } };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task InvalidUpgrades_405_426_400_NotLoggedNotCountedNotRegistered(string path, string endpoint)
    {
        await using var relay = await StartRelayAsync();
        await using var binary = path.EndsWith("client", StringComparison.Ordinal) ? await relay.ConnectHolderAsync(read: true) : null;
        using var metrics = new RelayMetricsProbe(relay);
        var headers = endpoint == "server" ? RawWsClient.BinaryHeaders("s2") : RawWsClient.PhoneHeaders();
        var logsBefore = relay.Logs.Entries.Count;
        var health = await Health.CountsAsync(relay);

        var post = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, headers, method: "POST", key: RawWsClient.NewKey()));
        Assert.True(post.Status == 405, post.ToString());

        var badVersion = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, headers, key: RawWsClient.NewKey(), version: "8"));
        Assert.True(badVersion.Status == 426, badVersion.ToString());
        Assert.Equal("13", badVersion.Header("Sec-WebSocket-Version"));

        var noKey = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, headers, key: null));
        Assert.True(noKey.Status == 400, noKey.ToString());

        var shortKey = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, headers, key: "c2hvcnQ="));
        Assert.True(shortKey.Status == 400, shortKey.ToString());

        var noUpgrade = await RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, headers, websocket: false));
        Assert.True(noUpgrade.Status == 400, noUpgrade.ToString());

        foreach (var response in new[] { post, badVersion, noKey, shortKey, noUpgrade })
        {
            Assert.Null(response.Header("Sec-WebSocket-Accept"));
        }

        Assert.Equal(logsBefore, relay.Logs.Entries.Count);
        Assert.Equal(0, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total"));
        Assert.Equal(0, metrics.Counter("pyrycode_relay_register_failures_total"));
        Assert.Equal(health, await Health.CountsAsync(relay));
    }

    [Fact]
    public async Task Binary_RelaySendsNothingAfter101()
    {
        await using var relay = await StartRelayAsync();
        var (binary, response) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _ = binary;
        await relay.Logs.WaitForAsync("server_claimed");
        Assert.Null(response.Header("Sec-WebSocket-Protocol"));
        Assert.Null(response.Header("Sec-WebSocket-Extensions"));
        await Assert.ThrowsAsync<TimeoutException>(() => binary.ReadFrameAsync(Silence));
    }

    [Fact]
    public async Task Phone_RelaySendsNothingAfter101()
    {
        await using var relay = await StartRelayAsync();
        await using var b = await relay.ConnectHolderAsync(read: true);
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = phone;
        await relay.Logs.WaitForAsync("phone_registered");
        await Assert.ThrowsAsync<TimeoutException>(() => phone.ReadFrameAsync(Silence));
        await b.AssertSilentAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task SubprotocolAndDeflateOffered_NeitherSelected_AnyOriginAccepted()
    {
        await using var relay = await StartRelayAsync();
        (string, string)[] headers =
        [
            .. RawWsClient.BinaryHeaders(),
            ("Sec-WebSocket-Protocol", "chat, pyry.v1"),
            ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
            ("Origin", "https://evil.example"),
        ];
        var (binary, response) = await RawWsClient.UpgradeAsync(relay, "/v1/server", headers);
        await using var _ = binary;
        Assert.Null(response.Header("Sec-WebSocket-Protocol"));
        Assert.Null(response.Header("Sec-WebSocket-Extensions"));
        await relay.Logs.WaitForAsync("server_claimed");

        // Without negotiated extensions an RSV1 frame is a protocol violation, so compression cannot be on.
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", [.. RawWsClient.PhoneHeaders(), ("Sec-WebSocket-Extensions", "permessage-deflate")]);
        await using var _p = phone;
        await relay.Logs.WaitForAsync("phone_registered");
        await phone.SendTextAsync("{\"plain\":true}");
        var envelope = await binary.ReadMessageFrameAsync();
        Assert.NotNull(envelope);
        Assert.Equal(0, envelope.Rsv);
        Assert.EndsWith(",\"frame\":{\"plain\":true}}", envelope.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario38_V2Aliases_IdenticalAndCountedUnderTheirEndpoint()
    {
        await using var relay = await StartRelayAsync();
        using var metrics = new RelayMetricsProbe(relay);
        await using var b = await WsTestClient.ConnectBinaryAsync(relay.Target, path: "/v2/server", read: true);
        await relay.Logs.WaitForAsync("server_claimed");
        await using var p1 = await WsTestClient.ConnectPhoneAsync(relay.Target, path: "/v1/client", read: true);
        await using var p2 = await WsTestClient.ConnectPhoneAsync(relay.Target, path: "/v2/client", read: true);
        await p1.SendTextAsync("{\"p\":1}");
        await p2.SendTextAsync("{\"p\":2}");
        var envelopes = new[] { await b.ReceiveTextAsync(), await b.ReceiveTextAsync() };
        Assert.Contains(envelopes, e => e.EndsWith("\"frame\":{\"p\":1}}", StringComparison.Ordinal));
        Assert.Contains(envelopes, e => e.EndsWith("\"frame\":{\"p\":2}}", StringComparison.Ordinal));
        Assert.Equal(1, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "server"), ("outcome", "accept")));
        Assert.Equal(2, metrics.Counter("pyrycode_relay_ws_upgrade_attempts_total", ("endpoint", "client"), ("outcome", "accept")));
    }

    [Fact]
    public async Task QueryString_Ignored()
    {
        await using var relay = await StartRelayAsync();
        var (binary, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server?token=abc&x=1", RawWsClient.BinaryHeaders());
        await using var _ = binary;
        Assert.Equal("s1", (await relay.Logs.WaitForAsync("server_claimed"))["server_id"]);
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v2/client?q", RawWsClient.PhoneHeaders());
        await using var _p = phone;
        await relay.Logs.WaitForAsync("phone_registered");
        Assert.DoesNotContain(relay.Logs.Entries, e => e.ToString().Contains("token=abc", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PhoneFrameInSamePacketAsHandshake_Forwarded()
    {
        await using var relay = await StartRelayAsync();
        await using var binary = await relay.ConnectHolderAsync(read: true);
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders(), tail: WsFrames.Text1("{\"early\":1}"));
        await using var _p = phone;
        var connId = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"];
        Assert.Equal($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"early\":1}}}}", await binary.ReceiveTextAsync());
    }

    [Fact]
    public async Task BinaryEnvelopeInSamePacketAsHandshake_Processed()
    {
        await using var relay = await StartRelayAsync();
        var (binary, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders(),
            tail: [.. WsFrames.Text1("not-json"), .. WsFrames.Text1("{\"conn_id\":\"client-s1-00000000deadbeef\",\"frame\":{}}")]);
        await using var _ = binary;
        var claimed = await relay.Logs.WaitForAsync("server_claimed");
        var malformed = await relay.Logs.WaitForAsync("binary_forwarder_unmarshal_err");
        Assert.Equal("relay: malformed envelope", malformed["err"]);
        Assert.Equal("client-s1-00000000deadbeef", (await relay.Logs.WaitForAsync("binary_forwarder_unknown_conn_id"))["conn_id"]);
        Assert.True(relay.Logs.Entries.ToList().IndexOf(claimed) < relay.Logs.Entries.ToList().IndexOf(malformed));
    }

    [Theory]
    [InlineData("/v1/server", 0)]
    [InlineData("/v1/server", 14)]
    [InlineData("/v1/client", 125)]
    [InlineData("/v1/client", 1)]
    public async Task PeerPing_AnsweredWithSamePayload(string path, int length)
    {
        await using var relay = await StartRelayAsync();
        await using var holder = path == "/v1/client" ? await relay.ConnectHolderAsync(read: true) : null;
        var (client, _) = await RawWsClient.UpgradeAsync(relay, path, path == "/v1/client" ? RawWsClient.PhoneHeaders() : RawWsClient.BinaryHeaders());
        await using var _c = client;
        await relay.Logs.WaitForAsync(path == "/v1/client" ? "phone_registered" : "server_claimed");
        var payload = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();
        await client.SendFrameAsync(WsFrames.Ping, payload);
        var pong = await client.ReadFrameAsync(TimeSpan.FromSeconds(1));
        Assert.NotNull(pong);
        Assert.Equal(WsFrames.Pong, pong.Opcode);
        Assert.True(pong.Fin);
        Assert.False(pong.Masked);
        Assert.Equal(payload, pong.Payload);
    }

    [Fact]
    public async Task OutboundMessages_AreSingleUnmaskedTextFrames()
    {
        await using var relay = await StartRelayAsync();
        var (binary, _) = await RawWsClient.UpgradeAsync(relay, "/v1/server", RawWsClient.BinaryHeaders());
        await using var _b = binary;
        await relay.Logs.WaitForAsync("server_claimed");
        var (phone, _) = await RawWsClient.UpgradeAsync(relay, "/v1/client", RawWsClient.PhoneHeaders());
        await using var _p = phone;
        var connId = (await relay.Logs.WaitForAsync("phone_registered"))["conn_id"];

        await phone.SendFrameAsync(WsFrames.Binary, Encoding.UTF8.GetBytes("[1,2]"));
        var envelope = await binary.ReadMessageFrameAsync();
        AssertText(envelope, $"{{\"conn_id\":\"{connId}\",\"frame\":[1,2]}}");

        var big = "\"" + new string('x', 70000) + "\"";
        await binary.SendTextAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{big}}}");
        AssertText(await phone.ReadMessageFrameAsync(), big);
        await binary.SendFrameAsync(WsFrames.Binary, Encoding.UTF8.GetBytes($"{{\"conn_id\":\"{connId}\",\"frame\":\"b\"}}"));
        AssertText(await phone.ReadMessageFrameAsync(), "\"b\"");

        await phone.SendCloseAsync(4000, "bye");
        AssertText(await binary.ReadMessageFrameAsync(), $"{{\"conn_id\":\"{connId}\",\"close_code\":4000}}");
    }

    private static void AssertText(RawFrame? frame, string expected)
    {
        Assert.NotNull(frame);
        Assert.Equal(WsFrames.Text, frame.Opcode);
        Assert.True(frame.Fin, "outbound messages must not be fragmented");
        Assert.Equal(0, frame.Rsv);
        Assert.False(frame.Masked);
        Assert.Equal(expected, frame.Text);
    }
}
