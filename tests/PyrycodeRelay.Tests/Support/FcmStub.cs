using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1:0 standing in for Google's OAuth token endpoint (<c>/token</c>) and the
/// FCM v1 send endpoint (any other path). Records every request before answering it.
/// </summary>
internal sealed class FcmStub : IAsyncDisposable
{
    public const string TokenPath = "/token";
    public const string AccessToken = "ya29.ACCESS-TOKEN-SECRET-stub";

    private readonly WebApplication _app;
    private readonly List<StubRequest> _requests = [];

    private FcmStub(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public string TokenUrl => BaseUrl + TokenPath;

    /// <summary>Answers token requests; default: 200 with <see cref="AccessToken"/>, expires_in 3600.</summary>
    public Func<HttpContext, StubRequest, Task> TokenHandler { get; set; } =
        (ctx, _) => Json(ctx, 200, $$"""{"access_token":"{{AccessToken}}","expires_in":3600,"token_type":"Bearer"}""");

    /// <summary>Answers every other request; default: 200 with a valid message name.</summary>
    public Func<HttpContext, StubRequest, Task> SendHandler { get; set; } =
        (ctx, _) => Json(ctx, 200, """{"name":"projects/test-proj/messages/0:1"}""");

    public static async Task<FcmStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new FcmStub(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        stub.BaseUrl = app.Urls.Single().TrimEnd('/');
        return stub;
    }

    public static async Task Json(HttpContext ctx, int status, string body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body);
    }

    /// <summary>A handler that waits until <paramref name="gate"/> completes (or the client goes away), then answers 200.</summary>
    public static Func<HttpContext, StubRequest, Task> Blocking(TaskCompletionSource gate) => async (ctx, _) =>
    {
        try
        {
            await gate.Task.WaitAsync(ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await Json(ctx, 200, """{"name":"projects/test-proj/messages/0:2"}""");
    };

    public IReadOnlyList<StubRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<StubRequest> TokenRequests => [.. Requests.Where(r => r.Path == TokenPath)];

    public IReadOnlyList<StubRequest> SendRequests => [.. Requests.Where(r => r.Path != TokenPath)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new StubRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", headers, ms.ToArray());
        lock (_requests)
        {
            _requests.Add(request);
        }

        await (request.Path == TokenPath ? TokenHandler : SendHandler)(ctx, request);
    }
}

/// <summary>One request the stub received.</summary>
internal sealed record StubRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
