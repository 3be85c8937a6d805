using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Forwarding.Codec;
using PyrycodeRelay.Observability.Metrics;
using PyrycodeRelay.Push;
using PyrycodeRelay.Registry;

namespace PyrycodeRelay.Forwarding;

/// <summary>Everything binary and phone sessions use, and nothing more (one per relay process).</summary>
internal sealed class SessionContext
{
    private SessionContext(
        IServerRegistry<BinaryPeer, PhonePeer> registry, RelayMetrics metrics, ILogger logger, IPushWakeHandler push, long phoneOutboxBytes, long outboxBudgetBytes, TimeSpan phoneFirstFrameTimeout, TimeProvider time)
    {
        Registry = registry;
        Metrics = metrics;
        Logger = logger;
        Push = push;
        PhoneOutboxBytes = phoneOutboxBytes;
        Budget = new OutboxBudget(outboxBudgetBytes);
        Shedder = new FairShareShedder(Budget);
        PhoneFirstFrameTimeout = phoneFirstFrameTimeout;
        Time = time;
    }

    /// <summary>Who holds which server-id, and the phones (docs/protocol.md#registry).</summary>
    public IServerRegistry<BinaryPeer, PhonePeer> Registry { get; }

    /// <summary>Every upgraded connection, for the graceful drain (docs/protocol.md#graceful-shutdown).</summary>
    public SessionTracker Tracker { get; } = new();

    /// <summary>The relay's instruments.</summary>
    public RelayMetrics Metrics { get; }

    /// <summary>The data-plane log (category <c>PyrycodeRelay.Relay</c>).</summary>
    public ILogger Logger { get; }

    /// <summary>Receives the binaries' push_wake requests (docs/operations.md#push-wakes).</summary>
    public IPushWakeHandler Push { get; }

    /// <summary>The relay-wide outbox budget (<c>--outbox-budget-bytes</c>).</summary>
    public OutboxBudget Budget { get; }

    /// <summary>Sheds the server-id above its fair share when the relay-wide budget is short.</summary>
    public FairShareShedder Shedder { get; }

    /// <summary>The per-server-id outbox budget, all its phones together (<c>--server-outbox-bytes</c>).</summary>
    public long ServerOutboxBytes { get; private init; }

    /// <summary>Repetitive per-binary events logged before they are summarised (docs/logging.md#limits).</summary>
    public int LogRepeatsPerConnection { get; private init; }

    /// <summary>The per-phone outbox budget (<c>--phone-outbox-bytes</c>).</summary>
    public long PhoneOutboxBytes { get; }

    /// <summary>A phone that has sent no frame within this is closed 1000 (<c>--phone-first-frame-timeout</c>).</summary>
    public TimeSpan PhoneFirstFrameTimeout { get; }

    /// <summary>Clock for the forwarding latency histograms.</summary>
    public TimeProvider Time { get; }

    /// <summary>Whether graceful shutdown has begun (no close notices from then on).</summary>
    public bool ShuttingDown => Tracker.ShuttingDown;

    /// <summary>
    /// Builds the sessions' context for <paramref name="options"/> with <paramref name="registry"/> (cluster mode), or the
    /// in-memory registry when it is null.
    /// </summary>
    public static SessionContext Create(RelayOptions options, RelayMetrics metrics, ILogger logger, IPushWakeHandler push, TimeProvider time,
        IServerRegistry<BinaryPeer, PhonePeer>? registry = null)
    {
        registry ??= new ServerRegistry<BinaryPeer, PhonePeer>(
            time,
            options.GracePeriod,
            options.PhonesPerServer,
            options.ConflictProbeTimeout,
            ConnIds.NewSuffix,
            (serverId, phones) => PhoneSession.OnGraceExpired(metrics, logger, serverId, phones),
            options.MaxServerIds,
            serverId => Observability.Logging.RelayLog.ServerGraceCutShort(logger, serverId));
        return new SessionContext(registry, metrics, logger, push, options.PhoneOutboxBytes, options.OutboxBudgetBytes, options.PhoneFirstFrameTimeout, time)
        {
            ServerOutboxBytes = options.ServerOutboxBytes,
            LogRepeatsPerConnection = options.LogRepeatsPerConnection,
        };
    }
}
