using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Observability.Logging;

namespace PyrycodeRelay.Tests.Observability.Logging;

/// <summary>The provider inside a real Kestrel host: framework lines never reach the output.</summary>
public class HostLoggingTests
{
    [Fact]
    public async Task Only_relay_events_reach_the_output_of_a_real_host()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = new MemoryStream();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddRelayLogging(RelayLogFormat.Json, output, new FakeTimeProvider(LogCapture.Start));
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using (var app = builder.Build())
        {
            app.MapGet("/x", (ILogger<HostLoggingTests> logger) =>
            {
                RelayLog.ServerReleased(logger, "s1");
                return Results.Text("ok");
            });
            app.MapGet("/boom", IResult () => throw new InvalidOperationException("framework error line"));
            await app.StartAsync(timeout.Token);
            var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            Assert.Equal("ok", await client.GetStringAsync(new Uri("/x", UriKind.Relative), timeout.Token));
            using var boom = await client.GetAsync(new Uri("/boom", UriKind.Relative), timeout.Token);
            Assert.Equal(HttpStatusCode.InternalServerError, boom.StatusCode);
            await app.StopAsync(timeout.Token);
        }

        // Hosting ("Now listening on", request lines) and the unhandled-exception ERROR are all dropped.
        Assert.Equal(
            "{\"time\":\"2026-06-01T12:00:00.123Z\",\"level\":\"INFO\",\"msg\":\"server_released\",\"server_id\":\"s1\"}\n",
            Encoding.UTF8.GetString(output.ToArray()));
    }
}
