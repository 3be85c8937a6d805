using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PyrycodeRelay.Tests.Limits;

/// <summary>A real Kestrel server on 127.0.0.1:0 with one terminal handler, for socket-level tests.</summary>
internal sealed class KestrelTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private KestrelTestHost(WebApplication app, int port, CapturingLoggerProvider logs)
    {
        _app = app;
        Port = port;
        Logs = logs;
    }

    public int Port { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>Requests that reached the handler.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public IServiceProvider Services => _app.Services;

    public static async Task<KestrelTestHost> StartAsync(
        Action<ListenOptions> configureListen,
        RequestDelegate handler,
        Action<KestrelServerOptions>? configureServer = null,
        string? unixSocketPath = null)
    {
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
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
        });

        var app = builder.Build();
        KestrelTestHost? host = null;
        app.Run(context =>
        {
            Interlocked.Increment(ref host!._requests);
            return handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        host = new KestrelTestHost(app, unixSocketPath is null ? new Uri(address).Port : 0, logs);
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

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
