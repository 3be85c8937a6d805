using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>Scenarios L 87–92: the FCM exchange driven by wakes (docs/protocol.md#push-wake-requests) from a real binary connection.</summary>
public sealed class PushExchangeTests
{
    [Fact]
    public async Task L87_token_request_and_send_request_are_exact()
    {
        await using var rig = await PushRig.StartAsync();
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await b.SendTextAsync(PushRig.Wake("DEVTOKEN-87"));
        await rig.OutcomesAsync(1);
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var token = Assert.Single(rig.Stub.TokenRequests);
        Assert.Equal("POST", token.Method);
        Assert.Equal("application/x-www-form-urlencoded", token.Headers["Content-Type"]);
        var form = QueryHelpers.ParseQuery(token.BodyText);
        Assert.Equal(["assertion", "grant_type"], form.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", form["grant_type"].ToString());
        AssertAssertion(form["assertion"].ToString(), rig.Stub.TokenUrl, before, after);

        var send = Assert.Single(rig.Stub.SendRequests);
        Assert.Equal("POST", send.Method);
        Assert.Equal("/v1/projects/test-proj/messages:send", send.Path);
        Assert.Equal("Bearer " + FcmStub.AccessToken, send.Headers["Authorization"]);
        Assert.Equal("application/json", send.Headers["Content-Type"]);
        Assert.Equal("""{"message":{"token":"DEVTOKEN-87","android":{"priority":"HIGH"}}}""", send.BodyText);
        Assert.Equal("push_wake_sent", Assert.Single(rig.Outcomes).Name);
        rig.AssertLogsFreeOf("DEVTOKEN");
    }

    [Fact]
    public async Task L88_two_wakes_from_different_server_ids_use_one_token()
    {
        await using var rig = await PushRig.StartAsync();
        await using var b1 = await rig.Relay.ConnectHolderAsync("e2e-s1");
        await using var b2 = await rig.Relay.ConnectHolderAsync("e2e-s2");
        await b1.SendTextAsync(PushRig.Wake("DEVTOKEN-88-1"));
        await rig.OutcomesAsync(1);
        await b2.SendTextAsync(PushRig.Wake("DEVTOKEN-88-2"));
        await rig.OutcomesAsync(2);
        Assert.Single(rig.Stub.TokenRequests);
        Assert.Equal([PushRig.SendBody("DEVTOKEN-88-1"), PushRig.SendBody("DEVTOKEN-88-2")], rig.Stub.SendRequests.Select(r => r.BodyText));
        Assert.Equal(["e2e-s1", "e2e-s2"], rig.Outcomes.Select(o => o["server_id"]));
    }

    [Fact]
    public async Task L89_error_replies_fail_with_the_status_only_and_redirects_are_not_followed()
    {
        int[] statuses = [400, 404, 500, 307];
        await using var rig = await PushRig.StartAsync();
        var secretBody = $"DEVTOKEN-89 {FcmStub.AccessToken} {TestKeys.ClientEmail} {TestKeys.PemFragment()}";
        rig.Stub.SendHandler = async (ctx, _) =>
        {
            var status = statuses[rig.Stub.SendRequests.Count(r => r.Path.StartsWith("/v1/", StringComparison.Ordinal)) - 1];
            ctx.Response.StatusCode = status;
            if (status == 307)
            {
                ctx.Response.Headers.Location = rig.Stub.BaseUrl + "/followed?" + secretBody.Replace(' ', '+');
            }

            await ctx.Response.WriteAsync(secretBody);
        };
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        for (var i = 0; i < statuses.Length; i++)
        {
            await b.SendTextAsync(PushRig.Wake("DEVTOKEN-89"));
            await rig.OutcomesAsync(i + 1);
            Assert.Equal(i + 1, rig.Stub.SendRequests.Count);
            var failed = rig.Outcomes[i];
            Assert.Equal("push_wake_send_failed", failed.Name);
            Assert.Equal(LogLevel.Warning, failed.Level);
            Assert.Equal(["server_id", "token_fp", "duration", "err"], failed.Fields.Select(f => f.Key));
            Assert.Equal($"relay: fcm send failed: status {statuses[i]}", failed["err"]);
        }

        Assert.DoesNotContain(rig.Stub.Requests, r => r.Path == "/followed");
        await rig.Relay.ExpectMetricsAsync(new() { ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=send_failed"] = 4 } });
        rig.AssertLogsFreeOf("DEVTOKEN", "followed");
    }

    [Fact]
    public async Task L90_fcm_error_reasons_and_the_unregistered_outcome()
    {
        var big = """{"error":{"status":"NOT_FOUND","message":""" + "\"" + new string('x', 5 * 1024) + "\"}}";
        (int Status, string Body, string Err)[] replies =
        [
            (404, """{"error":{"status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}""",
                "relay: fcm send failed: status 404 (NOT_FOUND, UNREGISTERED)"),
            (400, """{"error":{"status":"INVALID_ARGUMENT"}}""", "relay: fcm send failed: status 400 (INVALID_ARGUMENT)"),
            (404, "not json", "relay: fcm send failed: status 404"),
            (404, big, "relay: fcm send failed: status 404"),
        ];
        await using var rig = await PushRig.StartAsync();
        rig.Stub.SendHandler = (ctx, _) =>
        {
            var (status, body, _) = replies[rig.Stub.SendRequests.Count - 1];
            return FcmStub.Json(ctx, status, body);
        };
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        for (var i = 0; i < replies.Length; i++)
        {
            await b.SendTextAsync(PushRig.Wake("DEVTOKEN-90"));
            await rig.OutcomesAsync(i + 1);
            Assert.Equal(replies[i].Err, rig.Outcomes[i]["err"]);
            if (i == 0)
            {
                await rig.Relay.ExpectMetricsAsync(new() { ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=unregistered"] = 1 } });
            }
        }

        Assert.Equal(4, rig.Stub.SendRequests.Count);
        await rig.Relay.ExpectMetricsAsync(new()
        {
            ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=unregistered"] = 1, ["outcome=send_failed"] = 3 },
        });
        rig.AssertLogsFreeOf("DEVTOKEN", "xxxxxxxx");
    }

    [Fact]
    public async Task L91_message_id_is_logged_only_when_valid()
    {
        string[] names = ["projects/p/messages/0:123", "1 err=forged"];
        await using var rig = await PushRig.StartAsync();
        rig.Stub.SendHandler = (ctx, _) => FcmStub.Json(ctx, 200, JsonSerializer.Serialize(new { name = names[rig.Stub.SendRequests.Count - 1] }));
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        await b.SendTextAsync(PushRig.Wake("DEVTOKEN-91"));
        await rig.OutcomesAsync(1);
        await b.SendTextAsync(PushRig.Wake("DEVTOKEN-91"));
        await rig.OutcomesAsync(2);

        var first = rig.Outcomes[0];
        Assert.Equal(LogLevel.Information, first.Level);
        Assert.Equal("push_wake_sent", first.Name);
        Assert.Equal(["server_id", "token_fp", "duration", "fcm_message_id"], first.Fields.Select(f => f.Key));
        Assert.Equal("projects/p/messages/0:123", first["fcm_message_id"]);
        Assert.Matches("^[0-9a-f]{8}$", first["token_fp"]!);
        Assert.Equal(PushRig.Fingerprint("DEVTOKEN-91"), first["token_fp"]);
        var second = rig.Outcomes[1];
        Assert.Equal("push_wake_sent", second.Name);
        Assert.Equal(["server_id", "token_fp", "duration"], second.Fields.Select(f => f.Key));

        // The text output, as an operator reads it.
        var lines = rig.TextLines("push_wake_sent");
        Assert.Equal(2, lines.Count);
        Assert.Equal(["time", "level", "msg", "server_id", "token_fp", "duration", "fcm_message_id"], lines[0].Keys);
        Assert.Equal("INFO", lines[0]["level"]);
        Assert.Equal("projects/p/messages/0:123", lines[0]["fcm_message_id"]);
        Assert.Matches(@"^[0-9]+(\.[0-9]+)?(ns|µs|ms|s)$|^([0-9]+m)?[0-9]+(\.[0-9]+)?s$", lines[0]["duration"]);
        Assert.Equal(["time", "level", "msg", "server_id", "token_fp", "duration"], lines[1].Keys);
        rig.AssertLogsFreeOf("DEVTOKEN", "forged");
    }

    [Fact]
    public async Task L92_a_failed_token_fetch_makes_no_send_request()
    {
        await using var rig = await PushRig.StartAsync(stub => stub.TokenHandler =
            (ctx, _) => FcmStub.Json(ctx, 400, $$"""{"error":"invalid_grant","error_description":"{{TestKeys.ClientEmail}} ya29.leak"}"""));
        await using var b = await rig.Relay.ConnectHolderAsync("e2e-s1");
        await b.SendTextAsync(PushRig.Wake("DEVTOKEN-92"));
        await rig.OutcomesAsync(1);
        Assert.Single(rig.Stub.TokenRequests);
        Assert.Empty(rig.Stub.SendRequests);
        var failed = Assert.Single(rig.Outcomes);
        Assert.Equal("push_wake_send_failed", failed.Name);
        Assert.Equal("relay: fcm access-token fetch failed: status 400", failed["err"]);
        await rig.Relay.ExpectMetricsAsync(new() { ["pyrycode_relay_push_wakes_total"] = new() { ["outcome=token_fetch_failed"] = 1 } });
        rig.AssertLogsFreeOf("DEVTOKEN", "invalid_grant");
    }

    /// <summary>Verifies the RS256 signature with the test key's public half, then the header and claims.</summary>
    private static void AssertAssertion(string jwt, string audience, long notBefore, long notAfter)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        using var pub = RSA.Create();
        pub.ImportSubjectPublicKeyInfo(TestKeys.Rsa.ExportSubjectPublicKeyInfo(), out _);
        Assert.True(pub.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), "the RS256 signature verifies");
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(TestKeys.KeyId, header.RootElement.GetProperty("kid").GetString());
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var c = claims.RootElement;
        Assert.Equal(TestKeys.ClientEmail, c.GetProperty("iss").GetString());
        Assert.Equal("https://www.googleapis.com/auth/firebase.messaging", c.GetProperty("scope").GetString());
        Assert.Equal(audience, c.GetProperty("aud").GetString());
        var iat = c.GetProperty("iat").GetInt64();
        Assert.InRange(iat, notBefore - 1, notAfter + 1);
        Assert.Equal(iat + 3600, c.GetProperty("exp").GetInt64());
    }
}
