using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using PyrycodeRelay.Push;
using PyrycodeRelay.Tests.Configuration;

namespace PyrycodeRelay.Tests.Push;

public class FcmExchangeTests
{
    [Fact]
    public async Task Two_wakes_make_one_token_request_and_two_exact_send_requests()
    {
        await using var h = await PushHarness.StartAsync();
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        await h.OutcomeLogs(1);
        Assert.Null(h.Service.TryAdmit("s2", PushHarness.Wake("T")));
        await h.OutcomeLogs(2);

        var token = Assert.Single(h.Stub.TokenRequests);
        Assert.Equal("POST", token.Method);
        Assert.Equal("application/x-www-form-urlencoded", token.Headers["Content-Type"]);
        var form = QueryHelpers.ParseQuery(token.BodyText);
        Assert.Equal(["assertion", "grant_type"], form.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", form["grant_type"].ToString());
        AssertAssertion(form["assertion"].ToString(), h.Stub.TokenUrl, TestKeys.KeyId, h.Time.GetUtcNow().ToUnixTimeSeconds());

        Assert.Equal(2, h.Stub.SendRequests.Count);
        foreach (var send in h.Stub.SendRequests)
        {
            Assert.Equal("POST", send.Method);
            Assert.Equal("/v1/projects/test-proj/messages:send", send.Path);
            Assert.Equal("Bearer " + FcmStub.AccessToken, send.Headers["Authorization"]);
            Assert.Equal("application/json", send.Headers["Content-Type"]);
            Assert.Equal("""{"message":{"token":"T","android":{"priority":"HIGH"}}}""", send.BodyText);
        }

        Assert.Equal(2, h.Metrics["sent"]);
        Assert.Equal(1, h.Service.TokenFetches);
    }

    [Fact]
    public async Task Concurrent_sends_wait_for_one_refresh()
    {
        var tokenGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await PushHarness.StartAsync();
        var defaultToken = h.Stub.TokenHandler;
        h.Stub.TokenHandler = async (ctx, r) =>
        {
            await tokenGate.Task.WaitAsync(ctx.RequestAborted);
            await defaultToken(ctx, r);
        };
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(h.Service.TryAdmit($"s{i}", PushHarness.Wake("T")));
        }

        await PushHarness.Eventually(() => h.Stub.TokenRequests.Count == 1, "the token request");
        await Task.Delay(200); // give any (wrong) second refresh the chance to show up
        Assert.Single(h.Stub.TokenRequests);
        tokenGate.SetResult();
        await h.OutcomeLogs(5);
        Assert.Single(h.Stub.TokenRequests);
        Assert.Equal(5, h.Stub.SendRequests.Count);
    }

    [Fact]
    public async Task The_token_is_reused_until_10s_before_expiry()
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.TokenHandler = (ctx, _) => FcmStub.Json(ctx, 200, $$"""{"access_token":"{{FcmStub.AccessToken}}","expires_in":100}""");
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        await h.OutcomeLogs(1);
        h.Time.Advance(TimeSpan.FromSeconds(89));
        Assert.Null(h.Service.TryAdmit("s2", PushHarness.Wake("T")));
        await h.OutcomeLogs(2);
        Assert.Single(h.Stub.TokenRequests);
        h.Time.Advance(TimeSpan.FromSeconds(1)); // 90 s = expiry − 10 s
        Assert.Null(h.Service.TryAdmit("s3", PushHarness.Wake("T")));
        await h.OutcomeLogs(3);
        Assert.Equal(2, h.Stub.TokenRequests.Count);
        Assert.Equal(3, h.Metrics["sent"]);
    }

    [Fact]
    public async Task Without_expires_in_the_token_lives_3600s()
    {
        await using var h = await PushHarness.StartAsync();
        h.Stub.TokenHandler = (ctx, _) => FcmStub.Json(ctx, 200, $$"""{"access_token":"{{FcmStub.AccessToken}}"}""");
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        await h.OutcomeLogs(1);
        h.Time.Advance(TimeSpan.FromSeconds(3589));
        Assert.Null(h.Service.TryAdmit("s2", PushHarness.Wake("T")));
        await h.OutcomeLogs(2);
        Assert.Single(h.Stub.TokenRequests);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(h.Service.TryAdmit("s3", PushHarness.Wake("T")));
        await h.OutcomeLogs(3);
        Assert.Equal(2, h.Stub.TokenRequests.Count);
    }

    [Fact]
    public async Task Token_url_comes_from_the_key_when_the_flag_is_empty()
    {
        await using var probe = await FcmStub.StartAsync();
        var json = TestKeys.Json(new Dictionary<string, object?> { ["token_uri"] = probe.TokenUrl, ["private_key_id"] = null });
        await using var h = await PushHarness.StartAsync(o => o with { TokenUrl = "" }, json);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        await h.OutcomeLogs(1);
        Assert.Empty(h.Stub.TokenRequests);
        var token = Assert.Single(probe.TokenRequests);
        var assertion = QueryHelpers.ParseQuery(token.BodyText)["assertion"].ToString();
        AssertAssertion(assertion, probe.TokenUrl, kid: null, h.Time.GetUtcNow().ToUnixTimeSeconds());
        Assert.Single(h.Stub.SendRequests);
    }

    [Fact]
    public async Task Flag_token_url_wins_over_the_key()
    {
        var json = TestKeys.Json(new Dictionary<string, object?> { ["token_uri"] = "http://127.0.0.1:1/never" });
        await using var h = await PushHarness.StartAsync(credentialsJson: json);
        Assert.Null(h.Service.TryAdmit("s1", PushHarness.Wake("T")));
        await h.OutcomeLogs(1);
        Assert.Single(h.Stub.TokenRequests);
        Assert.Equal(1, h.Metrics["sent"]);
    }

    [Theory]
    [InlineData("", "/v1/projects/test-proj/messages:send")]
    [InlineData("/", "/v1/projects/test-proj/messages:send")]
    public async Task A_trailing_slash_on_the_base_url_is_ignored(string suffix, string path)
    {
        await using var h = await PushHarness.StartAsync();
        var url = FcmSender.SendUrl(h.Stub.BaseUrl + suffix, "test-proj");
        Assert.Equal(h.Stub.BaseUrl + path, url.ToString());
        Assert.Equal("https://fcm.googleapis.com/v1/projects/pyrycode-mobile/messages:send",
            FcmSender.SendUrl(DefaultOptions.Push.BaseUrl, DefaultOptions.Push.ProjectId).ToString());
    }

    [Theory]
    [InlineData("T", "T")]
    [InlineData("a\"b\\c", "a\\\"b\\\\c")]
    [InlineData("x\ny\u0001", "x\\ny\\u0001")]
    [InlineData("é€", "é€")]
    public void The_device_token_is_json_escaped_in_the_exact_body(string token, string escaped)
    {
        var body = Encoding.UTF8.GetString(FcmSender.Body(token));
        Assert.Equal("{\"message\":{\"token\":\"" + escaped + "\",\"android\":{\"priority\":\"HIGH\"}}}", body);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(token, doc.RootElement.GetProperty("message").GetProperty("token").GetString());
    }

    /// <summary>Checks the RS256 signature with the test key's public half, then the header and claims.</summary>
    internal static void AssertAssertion(string jwt, string audience, string? kid, long now)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        using var pub = RSA.Create();
        pub.ImportSubjectPublicKeyInfo(TestKeys.Rsa.ExportSubjectPublicKeyInfo(), out _);
        Assert.True(pub.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), "RS256 signature verifies with the key's public half");

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        var expectedHeader = kid is null ? new[] { "alg", "typ" } : ["alg", "typ", "kid"];
        Assert.Equal(expectedHeader, header.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        if (kid is not null)
        {
            Assert.Equal(kid, header.RootElement.GetProperty("kid").GetString());
        }

        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var c = claims.RootElement;
        Assert.Equal(["iss", "scope", "aud", "iat", "exp"], c.EnumerateObject().Select(p => p.Name));
        Assert.Equal(TestKeys.ClientEmail, c.GetProperty("iss").GetString());
        Assert.Equal("https://www.googleapis.com/auth/firebase.messaging", c.GetProperty("scope").GetString());
        Assert.Equal(audience, c.GetProperty("aud").GetString());
        Assert.Equal(now, c.GetProperty("iat").GetInt64());
        Assert.Equal(now + 3600, c.GetProperty("exp").GetInt64());
        Assert.DoesNotContain('=', jwt);
        Assert.DoesNotContain('+', jwt);
        Assert.DoesNotContain('/', jwt);
    }
}
