using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Endpoints;

/// <summary>Scenarios C (35–38) and docs/protocol.md#routes, #health-and-readiness: routes, 404, /healthz.</summary>
public sealed class HttpSurfaceTests
{
    [Fact]
    public async Task Scenario35_Healthz_ExactDocumentAndHeaders()
    {
        await using var relay = await TestRelay.StartAsync();
        using var response = await relay.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.Matches(new Regex("^\\{\"status\":\"ok\",\"version\":\"test-version\",\"commit\":\"[^\"]+\",\"connected_binaries\":0,\"connected_phones\":0,\"uptime_seconds\":\\d+\\}$"), body);
        Assert.True(body.Length < 200);
    }

    [Theory]
    [InlineData("GET", "/nope")]
    [InlineData("GET", "/healthz/")]
    [InlineData("GET", "/v1/server/")]
    [InlineData("GET", "/V1/server")]
    [InlineData("POST", "/")]
    [InlineData("DELETE", "/metrics")]
    public async Task Scenario37_OtherPaths_404PageNotFound(string method, string path)
    {
        await using var relay = await TestRelay.StartAsync();
        using var response = await relay.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_AnyMethodAndQuery_Served()
    {
        await using var relay = await TestRelay.StartAsync();
        using var response = await relay.Http.PostAsync("/healthz?x=1", new StringContent("ignored"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("{\"status\":\"ok\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_ReadyWhileServing()
    {
        await using var relay = await TestRelay.StartAsync();
        using var response = await relay.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"ready\":true}", await response.Content.ReadAsStringAsync());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Scenario36_HealthCountsHoldersAndPhones()
    {
        await using var relay = await TestRelay.StartAsync();
        await using var b1 = await relay.ConnectHolderAsync("s1");
        await using var b2 = await relay.ConnectHolderAsync("s2");
        var phones = new List<WsTestClient>();
        for (var i = 0; i < 3; i++)
        {
            phones.Add((await relay.ConnectRegisteredPhoneAsync("s1")).Client);
        }

        for (var i = 0; i < 2; i++)
        {
            phones.Add((await relay.ConnectRegisteredPhoneAsync("s2")).Client);
        }

        var body = await relay.Http.GetStringAsync("/healthz");
        Assert.Contains("\"connected_binaries\":2,\"connected_phones\":5,", body, StringComparison.Ordinal);
        foreach (var phone in phones)
        {
            await phone.DisposeAsync();
        }
    }
}
