using System.Net.WebSockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace PyrycodeRelay.Tests.Observability.LogHygiene;

/// <summary>
/// Scenario N103 (issue 5) through the real process with push on: a full session carrying marker strings in
/// every secret place (phone token, user agents, X-Forwarded-For, query strings, payloads, close reasons,
/// device tokens, the FCM access token, reply text and credentials). No marker may reach stdout or stderr and every key on
/// every line must be in the docs/logging.md#keys allowlist.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class SessionHygieneProcessTests
{
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task N103_full_session_with_push_logs_no_secret_and_only_allowed_keys(string format)
    {
        var g = Guid.NewGuid().ToString("N");
        var m = new Markers(g);
        await using var stub = await FcmStub.StartAsync();
        stub.TokenHandler = (ctx, _) => FcmStub.Json(ctx, 200, $$$"""{"access_token":"{{{m.AccessToken}}}","expires_in":3600,"token_type":"Bearer"}""");
        var sends = 0;
        stub.SendHandler = (ctx, req) => Interlocked.Increment(ref sends) == 1
            ? FcmStub.Json(ctx, 200, $$$"""{"name":"projects/test-proj/messages/0:1","echo":"{{{m.Reply}}} {{{req.BodyText.Replace("\"", "'", StringComparison.Ordinal)}}}"}""")
            : FcmStub.Json(ctx, 404, $$$"""{"error":{"code":404,"status":"NOT_FOUND","message":"{{{m.Reply}}} {{{m.AccessToken}}}"}}""");
        var credentials = TestKeys.Json(new Dictionary<string, object?> { ["client_email"] = m.Email, ["private_key_id"] = m.KeyId });

        await using var relay = await LiveRelay.StartAsync(
            ["--fcm-token-url", stub.TokenUrl, "--fcm-base-url", stub.BaseUrl, "--fcm-project-id", "test-proj", "--max-connections", "4"],
            new Dictionary<string, string> { ["PYRYCODE_RELAY_FCM_CREDENTIALS"] = credentials }, logFormat: format);
        await using var binary = await relay.ConnectHolderAsync(headers: new Dictionary<string, string> { ["User-Agent"] = m.UserAgent + "-binary" });
        var phoneHeaders = new Dictionary<string, string>
        {
            ["X-Pyrycode-Token"] = m.PhoneToken, ["User-Agent"] = m.UserAgent, ["X-Forwarded-For"] = "203.0.113.9, " + m.Forwarded,
        };
        var (p1, c1) = await relay.ConnectRegisteredPhoneAsync(headers: phoneHeaders, pathAndQuery: $"/v1/client?token={m.Query}");
        var (p2, c2) = await relay.ConnectRegisteredPhoneAsync(headers: phoneHeaders);
        var (p3, c3) = await relay.ConnectRegisteredPhoneAsync(headers: phoneHeaders);
        await using (p1)
        await using (p2)
        await using (p3)
        {
            // The connection cap (4) is full: a fifth dial gets 503 and WARN conn_cap_reached with the path only.
            using (var fifth = new ClientWebSocket())
            {
                fifth.Options.CollectHttpResponseDetails = true;
                foreach (var (k, v) in ClientHeaders.Phone().With(phoneHeaders))
                {
                    fifth.Options.SetRequestHeader(k, v);
                }

                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await Assert.ThrowsAsync<WebSocketException>(() => fifth.ConnectAsync(relay.WsUri($"/v1/client?token={m.Query}-cap"), cts.Token));
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, fifth.HttpStatusCode);
            }

            var cap = await relay.WaitForLogAsync("conn_cap_reached");
            Assert.Equal(["time", "level", "msg", "path", "remote"], cap.Keys);
            Assert.Equal(("WARN", "/v1/client", "127.0.0.1"), (cap["level"], cap["path"], cap["remote"]));

            // Frames both ways.
            await p1.SendTextAsync($$$"""{"m":"{{{m.Payload}}}-p2b"}""");
            Assert.Equal($$$"""{"conn_id":"{{{c1}}}","frame":{"m":"{{{m.Payload}}}-p2b"}}""", await binary.ReceiveTextAsync());
            await binary.SendTextAsync($$$"""{"conn_id":"{{{c1}}}","frame":{"m":"{{{m.Payload}}}-b2p"}}""");
            Assert.Equal($$$"""{"m":"{{{m.Payload}}}-b2p"}""", await p1.ReceiveTextAsync());

            // A malformed envelope and one for an unknown conn_id.
            await binary.SendTextAsync($$$"""{"conn_id":"{{{c1}}}","frame":{{{m.Payload}}}-malformed}""");
            Assert.Equal("relay: malformed envelope", (await relay.WaitForLogAsync("binary_forwarder_unmarshal_err"))["err"]);
            await binary.SendTextAsync($$$"""{"conn_id":"client-s1-00000000deadbeef","frame":{"m":"{{{m.Payload}}}-unknown"}}""");
            Assert.Equal("client-s1-00000000deadbeef", (await relay.WaitForLogAsync("binary_forwarder_unknown_conn_id"))["conn_id"]);

            // Push wakes: one sent, one refused by FCM (reply text echoes secrets), one dropped by validation.
            await binary.SendTextAsync($$$"""{"push_wake":{"platform":"fcm","token":"{{{m.DeviceToken}}}-1"}}""");
            var sent = await relay.WaitForLogAsync("push_wake_sent");
            Assert.Equal(Fingerprint(m.DeviceToken + "-1"), sent["token_fp"]);
            Assert.Equal("projects/test-proj/messages/0:1", sent["fcm_message_id"]);
            await binary.SendTextAsync($$$"""{"push_wake":{"platform":"fcm","token":"{{{m.DeviceToken}}}-2"}}""");
            var failed = await relay.WaitForLogAsync("push_wake_send_failed");
            Assert.Equal(("relay: fcm send failed: status 404 (NOT_FOUND)", Fingerprint(m.DeviceToken + "-2")), (failed["err"], failed["token_fp"]));
            await binary.SendTextAsync($$$"""{"push_wake":{"platform":"apns","token":"{{{m.DeviceToken}}}-3"}}""");
            Assert.Equal("relay: push_wake platform not supported", (await relay.WaitForLogAsync("binary_forwarder_push_wake_dropped"))["err"]);

            // A close directive with a frame.
            await binary.SendTextAsync($$$"""{"conn_id":"{{{c2}}}","frame":{"m":"{{{m.Payload}}}-directive"},"close_code":4401}""");
            Assert.Equal($$$"""{"m":"{{{m.Payload}}}-directive"}""", await p2.ReceiveTextAsync());
            Assert.Equal((4401, ""), await p2.ReceiveCloseAsync());
            await p2.CloseAsync((WebSocketCloseStatus)4401);

            // An invalid-JSON phone frame: the phone is closed 1000, the binary gets the 1001 notice.
            await p3.SendTextAsync($"not json {m.Payload}-invalid");
            Assert.Equal((1000, ""), await p3.ReceiveCloseAsync());
            await p3.CloseAsync();
            Assert.Equal($$$"""{"conn_id":"{{{c3}}}","close_code":1001}""", await binary.ReceiveTextAsync());
            Assert.Equal("relay: phone frame is not valid JSON", (await relay.WaitForLogAsync("phone_forwarder_marshal_err"))["err"]);

            // Closes carrying reasons.
            await p1.CloseAsync(WebSocketCloseStatus.NormalClosure, m.Payload + "-reason");
            Assert.Equal($$$"""{"conn_id":"{{{c1}}}","close_code":1000}""", await binary.ReceiveTextAsync());
        }

        await binary.CloseAsync(WebSocketCloseStatus.NormalClosure, m.Payload + "-bye");
        await relay.WaitForLogAsync("server_released");
        await relay.WaitForCountsAsync(0, 0);
        var stopped = await relay.StopAsync();
        Assert.True(stopped.ExitCode == 0, $"exit {stopped.ExitCode}; stderr:\n{stopped.StderrText}");

        // The secrets really travelled: FCM got the device token with the stub's access token.
        Assert.Equal(2, stub.SendRequests.Count);
        Assert.Equal("{\"message\":{\"token\":\"" + m.DeviceToken + "-1\",\"android\":{\"priority\":\"HIGH\"}}}", stub.SendRequests[0].BodyText);
        Assert.Equal("Bearer " + m.AccessToken, stub.SendRequests[0].Headers["Authorization"]);
        Assert.DoesNotContain(stopped.Lines, l => l["msg"].StartsWith("push off", StringComparison.Ordinal));

        // remote is the peer IP, never the (untrusted) X-Forwarded-For value (docs/operations.md#client-ip step 4).
        Assert.All(stopped.Lines.Where(l => l.Has("remote")), l => Assert.Equal("127.0.0.1", l["remote"]));
        OutputScan.AssertNoneAppears(stopped.Stdout, stopped.Stderr, m.All);
        OutputScan.AssertOnlyAllowedKeys(stopped.Stdout, stopped.Stderr, format);
    }

    private static string Fingerprint(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];

    /// <summary>The marker strings of one run (all contain the run's guid).</summary>
    private sealed record Markers(string Guid)
    {
        public string PhoneToken => "SECRET-TOKEN-" + Guid;
        public string UserAgent => "UA-MARKER-" + Guid;
        public string Query => "QUERY-MARKER-" + Guid;
        public string Forwarded => "XFF-MARKER-" + Guid;
        public string Payload => "PAYLOAD-MARKER-" + Guid;
        public string DeviceToken => "DEVTOKEN-" + Guid;
        public string AccessToken => "ACCESS-MARKER-" + Guid;
        public string Reply => "REPLY-MARKER-" + Guid;
        public string Email => "email-marker-" + Guid + "@test-proj.iam.gserviceaccount.com";
        public string KeyId => "KID-MARKER-" + Guid;

        /// <summary>Every marker, every line of the private key's PEM body, and the bare guid.</summary>
        public IEnumerable<string> All =>
        [
            PhoneToken, UserAgent, Query, Forwarded, Payload, DeviceToken, AccessToken, Reply, Email, KeyId,
            .. TestKeys.Pkcs8Pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)),
            Guid,
        ];
    }
}
