using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Endpoints;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Tests.Endpoints;

/// <summary>
/// The /healthz document's <c>version</c> is written without the reflection-based serializer (which a trimmed or
/// Native AOT build cannot run) and must stay byte-identical to what that serializer wrote.
/// </summary>
public sealed class HealthEndpointTests
{
    [Theory]
    [InlineData("0.1.0")]
    [InlineData("dev")]
    [InlineData("0.1.0+0123abc")]
    [InlineData("quote\" backslash\\ tab\t é <&>")]
    public async Task Version_IsEscapedExactlyAsTheSerializerWould(string version)
    {
        var time = new FakeTimeProvider();
        var endpoint = new HealthEndpoint(version, new NoConnections(),
            new Readiness(), time, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(42.9));
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;

        await endpoint.HealthAsync(context);

        var text = Encoding.UTF8.GetString(body.ToArray());
        Assert.Equal(
            "{\"status\":\"ok\",\"version\":" + JsonSerializer.Serialize(version) + ",\"commit\":\"unknown\",\"connected_binaries\":0,\"connected_phones\":0,\"uptime_seconds\":42}",
            text);
        using var parsed = JsonDocument.Parse(text);
        Assert.Equal(version, parsed.RootElement.GetProperty("version").GetString());
        Assert.Equal(text.Length, (int)context.Response.ContentLength!);
    }

    private sealed class NoConnections : IRegistryCounts
    {
        public int ConnectedBinaries => 0;

        public int ConnectedPhones => 0;
    }
}
