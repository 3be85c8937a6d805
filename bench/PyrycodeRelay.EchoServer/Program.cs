using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PyrycodeRelay.EchoServer;

/// <summary>
/// The benchmark baseline: a minimal Kestrel WebSocket echo (ASP.NET Core's own WebSocket middleware, no
/// relay logic). Every path upgrades; every message comes back unchanged as one text message, which is
/// exactly what a phone sees from the relay when its binary echoes. Usage: <c>PyrycodeRelay.EchoServer 127.0.0.1:9000</c>,
/// or with a second, TLS endpoint (the upstream of nginx's <c>wss</c> rows):
/// <c>PyrycodeRelay.EchoServer 127.0.0.1:9000 127.0.0.1:9443 cert.pem key.pem</c>.
/// </summary>
public static class Program
{
    private static int _tlsLogged;

    /// <summary>Runs the echo until SIGTERM/SIGINT.</summary>
    public static async Task Main(string[] args)
    {
        var endpoint = IPEndPoint.Parse(args.Length > 0 ? args[0] : "127.0.0.1:9000");
        using var certificate = args.Length >= 4 ? X509Certificate2.CreateFromPemFile(args[2], args[3]) : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            if (certificate is not null)
            {
                k.Listen(IPEndPoint.Parse(args[1]), listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.UseHttps(certificate);
                });
            }

            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
        });
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            if (context.Features.Get<ITlsHandshakeFeature>() is { } tls && Interlocked.Exchange(ref _tlsLogged, 1) == 0)
            {
                Console.WriteLine($"first TLS connection: {tls.Protocol} {tls.NegotiatedCipherSuite}");
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await EchoAsync(socket);
        });
        await app.RunAsync();
    }

    private static async Task EchoAsync(WebSocket socket)
    {
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                // Idle connections hold no buffer: wait with a zero-byte read, rent only when data is there.
                var peek = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (peek.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
                var length = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    r = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += r.Count;
                }
                while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);

                if (r.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, true, CancellationToken.None);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
            }

            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
            // peer vanished
        }
        catch (OperationCanceledException)
        {
            // shutdown
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
