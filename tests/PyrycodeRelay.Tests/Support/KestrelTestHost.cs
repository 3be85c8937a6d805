using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 hosting one piece wired outside the relay host (listener options,
/// middleware, the admission gate, <c>RelayTls</c>) in front of a terminal handler, with every log event of every
/// category captured from DEBUG up. (The whole relay in process is <see cref="TestRelay"/>.)
/// </summary>
internal sealed class KestrelTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyList<Uri> _addresses;
    private int _requests;

    private KestrelTestHost(WebApplication app, IReadOnlyList<Uri> addresses, CapturingLoggerProvider logs)
    {
        _app = app;
        _addresses = addresses;
        Logs = logs;
    }

    /// <summary>The port of the first listener (0 for a Unix socket).</summary>
    public int Port => _addresses.Count == 0 ? 0 : _addresses[0].Port;

    /// <summary>The port of the first https listener.</summary>
    public int HttpsPort => _addresses.First(a => a.Scheme == "https").Port;

    /// <summary>The port of the first http listener.</summary>
    public int HttpPort => _addresses.First(a => a.Scheme == "http").Port;

    /// <summary>Everything logged, framework included.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>Requests that reached the handler.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>One listener on 127.0.0.1:0 (or <paramref name="unixSocketPath"/>) configured by <paramref name="configureListen"/>.</summary>
    public static Task<KestrelTestHost> StartAsync(
        Action<ListenOptions> configureListen,
        RequestDelegate handler,
        Action<KestrelServerOptions>? configureServer = null,
        string? unixSocketPath = null) =>
        StartAsync(options =>
        {
            configureServer?.Invoke(options);
            if (unixSocketPath is null)
            {
                options.Listen(IPAddress.Loopback, 0, configureListen);
            }
            else
            {
                options.ListenUnixSocket(unixSocketPath, configureListen);
            }
        }, handler, webSockets: false);

    /// <summary>Listeners as <paramref name="configureServer"/> sets them up; <paramref name="webSockets"/> adds the WebSocket middleware.</summary>
    public static async Task<KestrelTestHost> StartAsync(Action<KestrelServerOptions> configureServer, RequestDelegate handler, bool webSockets)
    {
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(configureServer);
        var app = builder.Build();
        if (webSockets)
        {
            app.UseWebSockets();
        }

        KestrelTestHost? host = null;
        app.Run(context =>
        {
            Interlocked.Increment(ref host!._requests);
            return handler(context);
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Where(a => !a.StartsWith("http://unix:", StringComparison.Ordinal)).Select(a => new Uri(a)).ToList();
        host = new KestrelTestHost(app, addresses, logs);
        return host;
    }

    /// <summary>
    /// Entries at INFO or above (the relay's output level), other than the generic host's start/stop lines and
    /// ASP.NET Core's per-request diagnostics (Microsoft.AspNetCore.Hosting.Diagnostics) of served requests.
    /// </summary>
    public IReadOnlyList<LogEntry> RelevantLogs() =>
        [.. Logs.Entries.Where(e => e.Level >= LogLevel.Information
            && !e.Category.StartsWith("Microsoft.Hosting", StringComparison.Ordinal)
            && !e.Category.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal))];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
        Logs.Dispose();
    }
}
