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
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback; // a direct loopback peer sees the counts
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

    [Theory]
    [InlineData("203.0.113.9", null, false, false)]
    [InlineData("2001:db8::1", null, false, false)]
    [InlineData(null, null, false, false)]
    [InlineData("127.0.0.1", "X-Forwarded-For", false, false)] // a local reverse proxy forwarded it
    [InlineData("::1", "Forwarded", false, false)]
    [InlineData("127.0.0.1", null, false, true)]
    [InlineData("::ffff:127.0.0.2", null, false, true)]
    [InlineData("203.0.113.9", null, true, true)] // --healthz-counts
    public async Task Counts_are_shown_only_to_a_direct_loopback_peer_or_with_the_flag(string? peer, string? header, bool flag, bool counts)
    {
        var time = new FakeTimeProvider();
        var endpoint = new HealthEndpoint("1.2.3", new TwoConnections(), new Readiness(), time, time.GetTimestamp(), flag);
        time.Advance(TimeSpan.FromSeconds(7));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = peer is null ? null : System.Net.IPAddress.Parse(peer);
        if (header is not null)
        {
            context.Request.Headers[header] = "for=198.51.100.1";
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        await endpoint.HealthAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.Equal(
            counts
                ? "{\"status\":\"ok\",\"version\":\"1.2.3\",\"commit\":\"unknown\",\"connected_binaries\":3,\"connected_phones\":5,\"uptime_seconds\":7}"
                : "{\"status\":\"ok\",\"version\":\"1.2.3\",\"commit\":\"unknown\",\"uptime_seconds\":7}",
            Encoding.UTF8.GetString(body.ToArray()));
    }

    private sealed class TwoConnections : IRegistryCounts
    {
        public int ConnectedBinaries => 3;

        public int ConnectedPhones => 5;
    }

    private sealed class NoConnections : IRegistryCounts
    {
        public int ConnectedBinaries => 0;

        public int ConnectedPhones => 0;
    }
}
