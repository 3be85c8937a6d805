using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Tls;

/// <summary>
/// A small real Kestrel host wired the way the relay's hosting code is expected to wire <see cref="RelayTls"/>:
/// TLS listener (guard + UseHttps(HandshakeOptions), Host gate first), HTTP listener (HttpListenerApp).
/// TLS routes: <c>/healthz</c> 200 <c>ok</c>, <c>/ws</c> WebSocket echo, anything else 404.
/// </summary>
internal sealed class TlsTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsTestHost(WebApplication app, int httpsPort, int httpPort)
    {
        _app = app;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
    }

    public int HttpsPort { get; }

    public int HttpPort { get; }

    public static async Task<TlsTestHost> StartAsync(RelayTls tls, int httpsPort = 0, int httpPort = 0,
        ILoggerProvider? frameworkLogs = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        if (frameworkLogs is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(frameworkLogs);
        }

        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, httpsPort, tls.ConfigureHttpsListener);
            k.Listen(IPAddress.Loopback, httpPort);
        });
        var app = builder.Build();
        app.UseWebSockets();
        var gated = tls.HostGate(TlsRoutes);
        app.Run(ctx => ctx.Request.IsHttps ? gated(ctx) : tls.HttpListenerApp(ctx));
        await app.StartAsync();
        int https = 0, http = 0;
        foreach (var a in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
        {
            var uri = new Uri(a);
            if (uri.Scheme == "https")
            {
                https = uri.Port;
            }
            else
            {
                http = uri.Port;
            }
        }

        return new TlsTestHost(app, https, http);
    }

    private static async Task TlsRoutes(HttpContext ctx)
    {
        switch (ctx.Request.Path.Value)
        {
            case "/healthz":
                ctx.Response.ContentLength = 2;
                await ctx.Response.WriteAsync("ok");
                break;
            case "/ws" when ctx.WebSockets.IsWebSocketRequest:
                using (var ws = await ctx.WebSockets.AcceptWebSocketAsync())
                {
                    var buffer = new byte[1024];
                    while (true)
                    {
                        var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                        if (r.MessageType == WebSocketMessageType.Close)
                        {
                            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                            return;
                        }

                        await ws.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
                    }
                }

            default:
                ctx.Response.StatusCode = 404;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
