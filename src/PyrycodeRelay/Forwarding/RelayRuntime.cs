using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Limits;
using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.Push;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Forwarding;

/// <summary>The shared services every session uses (one per relay process).</summary>
internal sealed class RelayRuntime
{
    public RelayRuntime(RelayOptions options, RelayMetrics metrics, ILoggerFactory loggers, IPushWakeHandler push, TimeProvider time)
    {
        Options = options;
        Metrics = metrics;
        Push = push;
        Time = time;
        Logger = loggers.CreateLogger("PyrycodeRelay.Relay");
        Registry = new ServerRegistry(time, options.GracePeriod, options.PhonesPerServer);
        Budget = new OutboxBudget(options.OutboxBudgetBytes);
        Sessions = new SessionTracker();
        RateLimiter = new RateLimiter(options.RateLimitBurst, options.RateLimitRefill, time);
        ConnectionCap = new ConnectionCap(options.MaxConnections);
        WsOptions = WsConnectionOptions.From(options, time);
        Registry.GraceExpired = OnGraceExpired;
    }

    public RelayOptions Options { get; }

    public WsConnectionOptions WsOptions { get; }

    public RelayMetrics Metrics { get; }

    public IPushWakeHandler Push { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ServerRegistry Registry { get; }

    public OutboxBudget Budget { get; }

    public SessionTracker Sessions { get; }

    /// <summary>Per-IP upgrade rate limiter (operations.md §13).</summary>
    public RateLimiter RateLimiter { get; }

    /// <summary>Global connection cap (operations.md §14).</summary>
    public ConnectionCap ConnectionCap { get; }

    /// <summary>Whether graceful shutdown has begun (no close notices from then on).</summary>
    public bool ShuttingDown => Sessions.ShuttingDown;

    private void OnGraceExpired(string serverId, IReadOnlyList<IRegisteredPhone> phones)
    {
        Metrics.GraceExpired();
        Observability.Logging.RelayLog.ServerGraceExpired(Logger, serverId);
        foreach (var phone in phones)
        {
            ((PhoneSession)phone).CloseByRelay(WsCloseCodes.Normal, "", PhoneRemoval.GraceExpired);
        }
    }
}
