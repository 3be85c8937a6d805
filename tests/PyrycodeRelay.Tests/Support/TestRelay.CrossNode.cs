using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Observability.Logging;
using PyrycodeRelay.Push;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Cluster mode with every phone on another node: node A (<see cref="Host"/>) takes the binaries, node B
/// (<see cref="PhoneHost"/>) the phones, both on one real redis-server, behind one <see cref="PathProxy"/> port, with
/// one merged log. The scenario tests run unchanged against it (docs/architecture.md#cluster-mode).
/// </summary>
internal sealed partial class TestRelay
{
    private PathProxy? _proxy;
    private RedisServer? _redis;

    /// <summary>Cross-node mode: the phones' node; null for a single relay.</summary>
    public RelayHost? PhoneHost { get; private set; }

    /// <summary>Whether this is the cross-node topology.</summary>
    public bool IsCrossNode => PhoneHost is not null;

    /// <summary>HTTP clients of each node's relay listener (one for a single relay).</summary>
    public IReadOnlyList<HttpClient> NodeHttp { get; private set; } = [];

    /// <summary>Starts the cross-node topology with the scenario defaults of <see cref="StartAsync(Func{RelayOptions, RelayOptions}?, IPushWakeHandler?, bool)"/>.</summary>
    public static async Task<TestRelay> StartCrossNodeAsync(Func<RelayOptions, RelayOptions>? configure = null, IPushWakeHandler? push = null, bool metrics = false)
    {
        var redis = await RedisServer.StartAsync();
        var options = new RelayOptions
        {
            InsecureListen = "127.0.0.1:0", MetricsListen = metrics ? "127.0.0.1:0" : "", RateLimitBurst = 1_000_000,
            MaxConnectionsPerSource = 1_000_000, MaxPendingConnectionsPerSource = 1_000_000,
            LogRepeatsPerConnection = int.MaxValue, // as StartAsync: scenario tests sync on unknown_conn_id lines (Scenarios/Support/Marker)
            ClusterRedis = redis.Address, ClusterLease = TimeSpan.FromSeconds(5),
        };
        options = configure?.Invoke(options) ?? options;
        var logs = new CapturingLoggerProvider(LogLevel.Information);
        var text = new LogCapture();
        var loggers = LoggerFactory.Create(b =>
        {
            b.AddRelayLogging(RelayLogFormat.Text, text.Output, TimeProvider.System);
            b.AddProvider(logs);
        });
        Task<RelayHost> StartNodeAsync(string node, IPushWakeHandler handler) => RelayHost.StartAsync(new RelayHostSettings
        {
            Options = options with { NodeId = node },
            Loggers = loggers,
            RelayListener = Loopback(0),
            MetricsListener = metrics ? Loopback(0) : null,
            Push = handler,
            Version = Version,
        });

        var a = await StartNodeAsync("node-a", push ?? new PushOff());
        var b = await StartNodeAsync("node-b", new PushOff());
        var proxy = PathProxy.Start(a.RelayPort, b.RelayPort);
        var relay = new TestRelay(a, options, null, logs, text, loggers, proxy.Port)
        {
            PhoneHost = b,
            _proxy = proxy,
            _redis = redis,
        };
        relay.NodeHttp =
        [
            new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{a.RelayPort}"), Timeout = TimeSpan.FromSeconds(10) },
            new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{b.RelayPort}"), Timeout = TimeSpan.FromSeconds(10) },
        ];
        await Eventually.Async(() => a.ClusterRegistry!.IsAvailable && b.ClusterRegistry!.IsAvailable, "both nodes ready", TimeSpan.FromSeconds(15));
        return relay;
    }

    /// <summary>
    /// Cross-node: waits until the phones' node has handled every message the binaries' node published before this
    /// call. Its inbox is read in order, one message at a time, so every frame and directive published before is then
    /// in (or refused by) its phone's outbox, as a local enqueue would be; fails after 20 s.
    /// </summary>
    public Task PhoneNodeCaughtUpAsync()
    {
        var published = Host.ClusterRegistry!.Published;
        var phones = PhoneHost!.ClusterRegistry!;
        return Eventually.Async(() => phones.Handled >= published,
            () => $"the phones' node to handle {published} messages from the binaries' node; it handled {phones.Handled}", TimeSpan.FromSeconds(20));
    }

    /// <summary>Connected binaries and phones over every node.</summary>
    public (int Binaries, int Phones) Counts =>
        (Host.Registry.ConnectedBinaries + (PhoneHost?.Registry.ConnectedBinaries ?? 0),
         Host.Registry.ConnectedPhones + (PhoneHost?.Registry.ConnectedPhones ?? 0));

    /// <summary>
    /// Shuts every node down gracefully, the binaries' node first (so its binaries are closed before their phones' node
    /// goes); true when every drain completed.
    /// </summary>
    public async Task<bool> ShutdownEveryNodeAsync()
    {
        var drained = await Host.ShutdownAsync();
        if (PhoneHost is not null)
        {
            drained &= await PhoneHost.ShutdownAsync();
        }

        return drained;
    }

    private async Task DisposeCrossNodeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (PhoneHost is not null)
        {
            await PhoneHost.DisposeAsync();
        }

        foreach (var http in NodeHttp)
        {
            http.Dispose();
        }
    }

    private async Task DisposeRedisAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
