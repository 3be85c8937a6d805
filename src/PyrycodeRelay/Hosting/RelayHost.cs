using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Endpoints;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Limits;
using PyrycodeRelay.Limits.ProxyProtocol;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Startup;
using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.Push;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Hosting;

/// <summary>
/// The running relay: Kestrel with exactly the listeners derived from the flags (framework URL settings
/// are ignored), the request pipeline, the registry and sessions, and the graceful drain.
/// </summary>
internal sealed partial class RelayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RelayHostSettings _settings;
    private readonly SessionContext _sessions;
    private readonly AdmissionGate _admission;
    private readonly Readiness _readiness;
    private readonly List<ListenOptions> _relayListens;
    private readonly ListenOptions? _metricsListen;
    private readonly ListenOptions? _httpListen;
    private readonly ILogger _logger;
    private readonly BindRecorder? _transport;
    private int _shutdownStarted;

    /// <summary>Cluster mode: this node's settings; null in single-instance mode.</summary>
    internal Cluster.ClusterOptions? Cluster { get; private init; }

    /// <summary>Cluster mode: the shared registry; null in single-instance mode.</summary>
    internal Cluster.ClusterRegistry? ClusterRegistry { get; private init; }

    /// <summary>Cluster mode: the Redis connection; null in single-instance mode.</summary>
    internal Cluster.RedisLink? Redis { get; private init; }

    private RelayHost(
        WebApplication app,
        RelayHostSettings settings,
        SessionContext sessions,
        AdmissionGate admission,
        Readiness readiness,
        List<ListenOptions> relayListens,
        ListenOptions? metricsListen,
        ListenOptions? httpListen,
        BindRecorder? transport)
    {
        _transport = transport;
        _httpListen = httpListen;
        _app = app;
        _settings = settings;
        _sessions = sessions;
        _admission = admission;
        _readiness = readiness;
        _relayListens = relayListens;
        _metricsListen = metricsListen;
        _logger = settings.Loggers.CreateLogger(ServingLifecycle.LoggerCategory);
    }

    /// <summary>The actual port of the first relay listener (useful with port 0 in tests).</summary>
    public int RelayPort => _relayListens[0].IPEndPoint?.Port ?? 0;

    /// <summary>The actual port of the TLS mode's HTTP listener, or 0.</summary>
    public int HttpPort => _httpListen?.IPEndPoint?.Port ?? 0;

    /// <summary>The actual metrics port, or 0 when disabled.</summary>
    public int MetricsPort => _metricsListen?.IPEndPoint?.Port ?? 0;

    /// <summary>The meter the relay's instruments live on (tests observe it).</summary>
    public Meter Meter => _sessions.Metrics.Meter;

    /// <summary>Connected holders and phones (as /healthz reports them).</summary>
    internal IRegistryCounts Registry => _sessions.Registry;

    /// <summary>The rate limiter and connection cap in front of the upgrade routes.</summary>
    internal AdmissionGate Admission => _admission;

    /// <summary>The cap on connections that have not upgraded (relay listener).</summary>
    internal PendingConnectionLimit Pending { get; private init; } = null!;

    /// <summary>The socket transport's memory pools (tests).</summary>
    internal TransportMemoryPoolFactory TransportPools { get; private init; } = null!;

    /// <summary>The epoll transport serving the listeners, or null with Kestrel's socket transport (tests).</summary>
    internal Transport.EpollTransportFactory? EpollTransport => _transport?.Inner as Transport.EpollTransportFactory;

    /// <summary>The push wake handler the binaries' sessions use.</summary>
    internal IPushWakeHandler Push => _sessions.Push;

    /// <summary>The relay's instruments.</summary>
    internal RelayMetrics Metrics => _sessions.Metrics;

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
        ListenOptions? httpListen = null;
        BindRecorder? recorder = null;
        var pending = new PendingConnectionLimit(options.MaxPendingConnections,
            options.TrustXForwardedFor ? int.MaxValue : options.MaxPendingConnectionsPerSource); // behind an HTTP proxy the peer is the proxy
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.MaxReadBufferSize = options.TransportReadBufferBytes; // bounded read-ahead (issue 13 finding 10)
            sockets.UnsafePreferInlineScheduling = options.TransportInline; // forward on the receiving thread (Hosting/InlineIo)
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            ConfigureLimits(kestrel, options);
            Listen(kestrel, settings.RelayListener, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseNotSentLowWater(options.SocketNotSentLowWaterBytes);
                if (settings.Tls is { } tls)
                {
                    if (options.HttpsProxyProtocol)
                    {
                        listen.UseProxyProtocol(ProxyProtocolOptions.From(options, settings.Time));
                    }

                    listen.Use(pending.Middleware); // after PROXY (its source), before TLS (handshakes count)
                    tls.ConfigureHttpsListener(listen);
                }
                else
                {
                    listen.Use(pending.Middleware);
                }

                listen.UseFirstByteTimeout(options.RequestHeadersTimeout, settings.Time);
                Tag(listen, ListenerRole.Relay);
                listen.UseUpgradedTransport(); // last: after any PROXY and TLS middleware
                relayListens.Add(listen);
            });

            if (settings.HttpListener is { } http)
            {
                Listen(kestrel, http, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(pending.Middleware); // the challenge listener is public too: same pre-upgrade budget
                    listen.UseFirstByteTimeout(options.RequestHeadersTimeout, settings.Time);
                    Tag(listen, ListenerRole.Challenge);
                    httpListen = listen;
                });
            }

            if (settings.MetricsListener is { } metrics)
            {
                Listen(kestrel, metrics, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.UseFirstByteTimeout(options.RequestHeadersTimeout, settings.Time);
                    Tag(listen, ListenerRole.Metrics);
                    metricsListen = listen;
                });
            }
        });

        // After UseSockets/UseKestrelCore: the transport takes the host's IMemoryPoolFactory<byte> (issue 16, larger receives).
        var transportPools = new TransportMemoryPoolFactory(options.TransportBlockBytes, options.TransportPoolRetainedBytes);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(transportPools);
        DecorateTransport(builder.Services, options, transportPools, r => recorder = r);
        var app = builder.Build();
        var meterFactory = app.Services.GetRequiredService<IMeterFactory>();
        var metricsInstruments = new RelayMetrics(meterFactory);
        RelayLogging.QueueOf(settings.Loggers)?.SetDropHook(metricsInstruments.LogLineDropped);
        var push = settings.Push ?? (settings.FcmKey is { } key
            ? new PushWakeService(key, PushOptions.From(options), meterFactory, settings.Loggers, settings.Time)
            : new PushOff());
        var relayLogger = settings.Loggers.CreateLogger("PyrycodeRelay.Relay");
        var cluster = PyrycodeRelay.Cluster.ClusterOptions.From(options, settings.RedisPassword);
        var redis = cluster is null ? null : PyrycodeRelay.Cluster.RedisLink.Start(cluster, relayLogger);
        PyrycodeRelay.Cluster.ClusterRegistry? clusterRegistry = null;
        if (cluster is not null)
        {
            var clusterMetrics = new PyrycodeRelay.Cluster.ClusterMetrics(metricsInstruments, () => redis!.IsUp, () => clusterRegistry?.RemotePhones ?? 0);
            clusterRegistry = new PyrycodeRelay.Cluster.ClusterRegistry(cluster, redis!, clusterMetrics, metricsInstruments, relayLogger, settings.Time,
                Forwarding.Codec.ConnIds.NewSuffix, (serverId, phones) => PhoneSession.OnGraceExpired(metricsInstruments, relayLogger, serverId, phones));
            clusterRegistry.Start();
        }

        Func<bool>? clusterUp = clusterRegistry is null ? null : () => clusterRegistry.IsAvailable;
        var sessions = SessionContext.Create(options, metricsInstruments, relayLogger, push, settings.Time, clusterRegistry);
        metricsInstruments.ObserveGauges(() => sessions.Registry.ConnectedBinaries, () => sessions.Registry.ConnectedPhones, () => sessions.Budget.Charged);

        var readiness = new Readiness { ExtraCondition = settings.Tls is { } t ? () => t.IsReady : null, ClusterUp = clusterUp };
        var health = new HealthEndpoint(settings.Version, sessions.Registry, readiness, settings.Time, startedAt, options.HealthzCounts, settings.Commit);
        if (cluster is not null)
        {
            health.AddCluster(cluster.NodeId, () => redis!.IsUp);
        }

        var admission = new AdmissionGate(
            new RateLimiter(options.RateLimitBurst, options.RateLimitRefill, settings.Time, options.RateLimitSweepInterval, options.RateLimitMaxSources),
            new ConnectionCap(options.MaxConnections, options.MaxConnectionsPerSource,
                ConnectionCap.ReserveFor(options.MaxConnections, options.EndpointReserveDivisor)),
            options.TrustXForwardedFor ? ForwardedFor.Parse(options.TrustedProxyCidrs) : null,
            relayLogger,
            clusterUp,
            cluster?.NodeId ?? "");
        var wsOptions = WsConnectionOptions.From(options, settings.Time);
        var relay = new RelayRequestHandler(health, new UpgradeEndpoint(sessions, wsOptions), admission, metricsInstruments);
        RequestDelegate relayApp = relay.InvokeAsync;
        if (settings.Tls is { } tlsMode)
        {
            relayApp = tlsMode.HostGate(relayApp); // 421 before anything else on the TLS listener
        }

        var challengeApp = settings.Tls?.HttpListenerApp ?? PlainResponses.NotFoundAsync;
        // The role is a connection feature: read it through the indexer, which falls back to the
        // connection's features (Features.Get<T>() does not for a value type).
        app.Run(context => context.Features[typeof(ListenerRole)] switch
        {
            ListenerRole.Metrics => MetricsRequestHandler.InvokeAsync(context),
            ListenerRole.Challenge => challengeApp(context),
            _ => relayApp(context),
        });

        var host = new RelayHost(app, settings, sessions, admission, readiness, relayListens, metricsListen, httpListen,
            app.Services.GetRequiredService<IConnectionListenerFactory>() as BindRecorder)
        {
            Pending = pending,
            TransportPools = transportPools,
            Cluster = cluster,
            Redis = redis,
            ClusterRegistry = clusterRegistry,
        };
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (BindRecorder.FindSocketError(ex) is not null || ex is IOException)
        {
            if (clusterRegistry is not null)
            {
                await clusterRegistry.DisposeAsync();
            }

            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            await app.DisposeAsync();
            throw BindFailure(settings, recorder, ex);
        }

        readiness.MarkListening();
        return host;
    }

    /// <summary>
    /// The transport: with inline I/O on Linux the epoll transport (Transport/, docs/architecture.md#concurrency-model)
    /// over Kestrel's socket transport (kept for any endpoint that is not IP), else Kestrel's socket transport; either
    /// wrapped in the <see cref="BindRecorder"/>.
    /// </summary>
    private static void DecorateTransport(IServiceCollection services, RelayOptions options, TransportMemoryPoolFactory pools, Action<BindRecorder> created)
    {
        var socket = services.Last(d => d.ServiceType == typeof(IConnectionListenerFactory));
        services.Remove(socket);
        services.AddSingleton<IConnectionListenerFactory>(provider =>
        {
            var inner = (IConnectionListenerFactory)(socket.ImplementationInstance
                ?? socket.ImplementationFactory?.Invoke(provider)
                ?? ActivatorUtilities.CreateInstance(provider, socket.ImplementationType!));
            if (options.TransportInline && Transport.EpollTransportFactory.IsSupported)
            {
                inner = new Transport.EpollTransportFactory(inner, pools.Create(), options.TransportReadBufferBytes,
                    new SocketTransportOptions().MaxWriteBufferSize is long max ? (int)max : 0);
            }

            var recorder = new BindRecorder(inner);
            created(recorder);
            return recorder;
        });
    }

    private static ListenerBindException BindFailure(RelayHostSettings settings, BindRecorder? recorder, Exception ex)
    {
        var error = BindRecorder.FindSocketError(ex) ?? recorder?.FailedError ?? System.Net.Sockets.SocketError.SocketError;
        var failedPort = (recorder?.FailedEndPoint as System.Net.IPEndPoint)?.Port;
        var bound = recorder?.BoundPorts.ToList() ?? [];
        ListenEndpoint? failed = null;
        foreach (var endpoint in new[] { settings.RelayListener, settings.HttpListener, settings.MetricsListener })
        {
            if (endpoint is null)
            {
                continue;
            }

            if (bound.Remove(endpoint.Port))
            {
                continue; // this one bound fine
            }

            if (failedPort is null || endpoint.Port == failedPort)
            {
                failed = endpoint;
                break;
            }
        }

        failed ??= settings.RelayListener;
        return new ListenerBindException(failed.Address, "listen tcp " + failed.Address + ": " + BindRecorder.Describe(error), ex);
    }

    private static void ConfigureLimits(KestrelServerOptions kestrel, Configuration.RelayOptions options)
    {
        KestrelLimitSettings.Apply(kestrel, options);
        kestrel.AddServerHeader = false;
        kestrel.AllowSynchronousIO = false;
        kestrel.RequestHeaderEncodingSelector = static _ => Encoding.UTF8; // non-ASCII UTF-8 header values are allowed
    }

    private static void Tag(ListenOptions listen, ListenerRole role) =>
        listen.Use(next => connection =>
        {
            connection.Features.Set(role);
            return next(connection);
        });

    private static void Listen(KestrelServerOptions kestrel, ListenEndpoint endpoint, Action<ListenOptions> configure)
    {
        switch (endpoint.HostKind)
        {
            case ListenHostKind.AllInterfaces:
                kestrel.ListenAnyIP(endpoint.Port, configure);
                break;
            case ListenHostKind.Localhost:
                kestrel.ListenLocalhost(endpoint.Port, configure);
                break;
            default:
                kestrel.Listen(endpoint.Ip!, endpoint.Port, configure);
                break;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        if (ClusterRegistry is not null)
        {
            await ClusterRegistry.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        await _app.DisposeAsync();
        if (_sessions.Push is IAsyncDisposable push)
        {
            await push.DisposeAsync();
        }
    }
}
