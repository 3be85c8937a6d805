using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PyrycodeRelay.Cluster;

/// <summary>
/// The node's connection to Redis (docs/architecture.md "Cluster mode"): connects in the background with
/// exponential backoff (never throws, never ends the process), then checks Redis every
/// <see cref="ClusterOptions.CheckInterval"/> with a PING bounded by that interval. <see cref="IsUp"/> is what
/// <c>/readyz</c>, the upgrade gate, <c>/healthz</c> and <c>pyrycode_relay_cluster_redis_up</c> report.
/// </summary>
internal sealed class RedisLink : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly ClusterOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private ConnectionMultiplexer? _mux;
    private Task _loop = Task.CompletedTask;
    private volatile bool _up;
    private bool _everReported;

    private RedisLink(ClusterOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>Whether Redis answered the last check (and the connection has not failed since).</summary>
    public bool IsUp => _up;

    /// <summary>The connection, once the first connect succeeded (null before).</summary>
    public ConnectionMultiplexer? Multiplexer => Volatile.Read(ref _mux);

    /// <summary>The database of <c>--cluster-redis</c>; only valid once <see cref="Multiplexer"/> is set.</summary>
    public IDatabase Database => Multiplexer!.GetDatabase(_options.Address.Database);

    /// <summary>Raised (on a pool thread, never concurrently) when <see cref="IsUp"/> changes.</summary>
    public event Action<bool>? UpChanged;

    /// <summary>Raised once per node check while Redis is up (lease renewals hang off it).</summary>
    public event Func<Task>? Checked;

    /// <summary>Starts connecting in the background.</summary>
    public static RedisLink Start(ClusterOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var link = new RedisLink(options, logger);
        link._loop = Task.Run(link.RunAsync);
        return link;
    }

    /// <summary>The client configuration (the password only from the environment; the client never logs it).</summary>
    public static ConfigurationOptions Configure(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timeout = (int)Math.Max(500, options.CheckInterval.TotalMilliseconds * 2);
        var config = new ConfigurationOptions
        {
            AbortOnConnectFail = true, // the first connect is retried here, with backoff
            ConnectRetry = 1,
            ConnectTimeout = timeout,
            SyncTimeout = timeout,
            AsyncTimeout = timeout,
            KeepAlive = 5,
            Ssl = options.Address.Tls,
            SslHost = options.Address.Tls ? options.Address.Host : null,
            Password = options.Password,
            DefaultDatabase = options.Address.Database,
            ClientName = "pyrycode-relay-" + options.NodeId,
            ReconnectRetryPolicy = new ExponentialRetry(100, (int)MaxBackoff.TotalMilliseconds),
        };
        if (options.Address.ServiceName is { } service)
        {
            // Sentinel (docs/operations.md#redis-sentinel): the client asks the sentinels for the primary of
            // `service`, follows +switch-master, and re-asks them when the primary's connection fails.
            config.ServiceName = service;
            foreach (var sentinel in options.Address.Sentinels!)
            {
                config.EndPoints.Add(sentinel);
            }

            return config;
        }

        config.EndPoints.Add(options.Address.Endpoint);
        return config;
    }

    private async Task RunAsync()
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!_stop.IsCancellationRequested && _mux is null)
        {
            try
            {
                var mux = await ConnectionMultiplexer.ConnectAsync(Configure(_options));
                mux.ConnectionFailed += (_, e) => { if (e.ConnectionType == ConnectionType.Interactive) { SetUp(false, "relay: redis connection failed"); } };
                mux.ConnectionRestored += (_, _) => _ = CheckOnceAsync();
                Volatile.Write(ref _mux, mux);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or IOException or System.Net.Sockets.SocketException or ArgumentException)
            {
                SetUp(false, "relay: redis unreachable");
                try
                {
                    await Task.Delay(delay, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }

        while (!_stop.IsCancellationRequested)
        {
            await CheckOnceAsync();
            try
            {
                await Task.Delay(_options.CheckInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task CheckOnceAsync()
    {
        var mux = Multiplexer;
        if (mux is null)
        {
            return;
        }

        bool ok;
        try
        {
            await mux.GetDatabase(_options.Address.Database).PingAsync().WaitAsync(_options.CheckInterval * 2, _stop.Token);
            ok = mux.IsConnected;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            ok = false;
        }

        SetUp(ok, "relay: redis did not answer");
        if (ok && Checked is { } checkedHandlers)
        {
            try
            {
                await checkedHandlers();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                SetUp(false, "relay: redis command failed");
            }
        }
    }

    /// <summary>Marks Redis down at once (a command failed); the next check may bring it back up.</summary>
    public void ReportFailure() => SetUp(false, "relay: redis command failed");

    private void SetUp(bool up, string error)
    {
        lock (_gate)
        {
            if (_everReported && _up == up)
            {
                return;
            }

            _everReported = true;
            _up = up;
            if (up)
            {
                ClusterLog.RedisUp(_logger, _options.NodeId, _options.Address.Display);
            }
            else
            {
                ClusterLog.RedisDown(_logger, _options.NodeId, _options.Address.Display, error);
            }

            UpChanged?.Invoke(up);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        if (Multiplexer is { } mux)
        {
            await mux.CloseAsync(allowCommandsToComplete: false);
            await mux.DisposeAsync();
        }

        _stop.Dispose();
    }
}
