using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Tls;

/// <summary>
/// <see cref="RelayTls"/> on a <see cref="KestrelTestHost"/>, wired the way the relay's hosting code is expected to
/// wire it: TLS listener (guard + UseHttps(HandshakeOptions), Host gate first), HTTP listener (HttpListenerApp).
/// TLS routes: <c>/healthz</c> 200 <c>ok</c>, <c>/ws</c> WebSocket echo, anything else 404.
/// </summary>
internal static class TlsTestHost
{
    public static Task<KestrelTestHost> StartAsync(RelayTls tls, int httpsPort = 0, int httpPort = 0)
    {
        var gated = tls.HostGate(TlsRoutes);
        return KestrelTestHost.StartAsync(
            k =>
            {
                k.Listen(IPAddress.Loopback, httpsPort, tls.ConfigureHttpsListener);
                k.Listen(IPAddress.Loopback, httpPort);
            },
            ctx => ctx.Request.IsHttps ? gated(ctx) : tls.HttpListenerApp(ctx),
            webSockets: true);
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
}
