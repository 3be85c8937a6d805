using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Endpoints;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// The running relay: Kestrel with exactly the listeners derived from the flags (framework URL settings
/// are ignored), the request pipeline, the registry and sessions, and the graceful drain.
/// </summary>
public sealed partial class RelayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RelayRuntime _runtime;
    private readonly Readiness _readiness;
    private readonly List<ListenOptions> _relayListens;
    private readonly ListenOptions? _metricsListen;
    private readonly ILogger _logger;
    private int _shutdownStarted;

    private RelayHost(WebApplication app, RelayRuntime runtime, Readiness readiness, List<ListenOptions> relayListens, ListenOptions? metricsListen, ILogger logger)
    {
        _app = app;
        _runtime = runtime;
        _readiness = readiness;
        _relayListens = relayListens;
        _metricsListen = metricsListen;
        _logger = logger;
    }

    /// <summary>The actual port of the first relay listener (useful with port 0 in tests).</summary>
    public int RelayPort => _relayListens[0].IPEndPoint?.Port ?? 0;

    /// <summary>The actual metrics port, or 0 when disabled.</summary>
    public int MetricsPort => _metricsListen?.IPEndPoint?.Port ?? 0;

    /// <summary>The meter the relay's instruments live on (tests observe it).</summary>
    public Meter Meter => _runtime.Metrics.Meter;

    /// <summary>Connected holders and phones (as /healthz reports them).</summary>
    internal RelayRuntime Runtime => _runtime;

    /// <summary>Builds and starts the relay; throws if a listener cannot bind.</summary>
    public static async Task<RelayHost> StartAsync(RelayHostSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Options;
        var startedAt = settings.Time.GetTimestamp();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "pyrycode-relay",
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear(); // no ASPNETCORE_URLS, appsettings or Kestrel sections: only our flags count
        builder.Logging.ClearProviders();
        builder.Services.AddMetrics();
        builder.Services.AddRoutingCore();
        var relayListens = new List<ListenOptions>();
        ListenOptions? metricsListen = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            ConfigureLimits(kestrel, options);
            foreach (var endpoint in settings.RelayListeners)
            {
                Listen(kestrel, endpoint, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(next => c => { c.Features.Set(ListenerRole.Relay); return next(c); });
                    listen.UseUpgradedTransport(); // last: after any TLS or PROXY middleware
                    relayListens.Add(listen);
                });
            }

            if (settings.MetricsListener is { } metrics)
            {
                Listen(kestrel, metrics, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(next => c => { c.Features.Set(ListenerRole.Metrics); return next(c); });
                    metricsListen = listen;
                });
            }
        });

        var app = builder.Build();
        var metricsInstruments = new RelayMetrics(app.Services.GetRequiredService<IMeterFactory>());
        var runtime = new RelayRuntime(options, metricsInstruments, settings.Loggers, settings.Push, settings.Time);
        metricsInstruments.ObserveGauges(() => runtime.Registry.ConnectedBinaries, () => runtime.Registry.ConnectedPhones, () => runtime.Budget.Charged);
        var readiness = new Readiness();
        var health = new HealthEndpoint(settings.Version, runtime.Registry, readiness, settings.Time, startedAt);
        var relay = new RelayRequestHandler(health, new UpgradeEndpoint(runtime));
        // The role is a connection feature. Kestrel's Features.Get<T>() only falls back to connection features
        // when the request-level lookup yields null, which a value type never does; the indexer falls back.
        app.Run(context => context.Features[typeof(ListenerRole)] is ListenerRole.Metrics
            ? MetricsRequestHandler.InvokeAsync(context)
            : relay.InvokeAsync(context));

        var host = new RelayHost(app, runtime, readiness, relayListens, metricsListen, settings.Loggers.CreateLogger("PyrycodeRelay.Host"));
        await app.StartAsync(cancellationToken);
        readiness.MarkListening();
        return host;
    }

    private static void ConfigureLimits(KestrelServerOptions kestrel, Configuration.RelayOptions options)
    {
        kestrel.AddServerHeader = false;
        kestrel.AllowSynchronousIO = false;
        kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
        kestrel.Limits.MinRequestBodyDataRate = null;
        kestrel.Limits.MinResponseDataRate = null;
        kestrel.Limits.MaxConcurrentConnections = null;
        kestrel.RequestHeaderEncodingSelector = static _ => Encoding.UTF8; // non-ASCII UTF-8 header values are allowed
    }

    private static void Listen(KestrelServerOptions kestrel, ListenEndpoint endpoint, Action<ListenOptions> configure)
    {
        switch (endpoint.Host)
        {
            case ListenHost.Any:
                kestrel.ListenAnyIP(endpoint.Port, configure);
                break;
            case ListenHost.Localhost:
                kestrel.ListenLocalhost(endpoint.Port, configure);
                break;
            default:
                kestrel.Listen(endpoint.Address!, endpoint.Port, configure);
                break;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        await _app.DisposeAsync();
    }
}
