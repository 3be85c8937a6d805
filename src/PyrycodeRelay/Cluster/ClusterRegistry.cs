using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Forwarding;
using PyrycodeRelay.Registry;
using PyrycodeRelay.WebSockets;
using StackExchange.Redis;

namespace PyrycodeRelay.Cluster;

/// <summary>
/// The Redis-backed registry of cluster mode (docs/architecture.md "Cluster mode"): ownership, epochs, leases, grace
/// and the phone cap live in Redis and change only through <see cref="ClusterScripts"/>; each node keeps a
/// <see cref="ServerSlot{TBinary, TPhone}"/> per server-id it serves, whose holder is the binary's session (held
/// here) or a <see cref="RemoteBinary"/>, and whose phones include <see cref="RemotePhone"/>s for a binary held here.
/// Cross-node traffic goes through per-node pub/sub inboxes, read in order by one loop.
/// </summary>
internal sealed partial class ClusterRegistry : IServerRegistry<BinaryPeer, PhonePeer>, IAsyncDisposable
{
    private const string LinkLostReason = "cluster link lost";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServerSlot<BinaryPeer, PhonePeer>> _slots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<bool>> _probes = new();
    private readonly ClusterOptions _options;
    private readonly RedisLink _redis;
    private readonly ClusterMetrics _metrics;
    private readonly Observability.Metrics.RelayMetrics _relayMetrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<ulong> _drawKey;
    private readonly Action<string, IReadOnlyList<PhonePeer>> _graceExpired;
    private readonly CancellationTokenSource _stop = new();
    private readonly RedisKey _epochKey = "pyry:epoch";
    private readonly RedisKey _liveIdsKey = "pyry:ids:live";
    private readonly RedisKey _graceIdsKey = "pyry:ids:grace";
    private Task _upkeep = Task.CompletedTask;
    private Task _inboxLoop = Task.CompletedTask;
    private ChannelMessageQueue? _inbox;
    private volatile bool _subscribed;
    private long _lastRenewOk;
    private long _probeSeq;
    private int _upkeepRunning;
    private int _liveBinaries;
    private int _phones;
    private int _remotePhones;
    private long _published;
    private long _handled;
    private volatile bool _shuttingDown;

    public ClusterRegistry(ClusterOptions options, RedisLink redis, ClusterMetrics metrics, Observability.Metrics.RelayMetrics relayMetrics, ILogger logger,
        TimeProvider time, Func<ulong> drawKey, Action<string, IReadOnlyList<PhonePeer>> graceExpired)
    {
        _relayMetrics = relayMetrics;
        _options = options;
        _redis = redis;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _drawKey = drawKey;
        _graceExpired = graceExpired;
        _lastRenewOk = time.GetTimestamp();
        redis.UpChanged += up =>
        {
            if (!up)
            {
                LinkLostAll();
            }
            else
            {
                _ = Task.Run(UpkeepGuardedAsync); // re-register the live binaries at once when Redis is back
            }
        };
    }

    /// <summary>This node's id.</summary>
    public string NodeId => _options.NodeId;

    /// <summary>Whether this node can take new connections: Redis answers and the inbox is subscribed.</summary>
    public bool IsAvailable => _redis.IsUp && _subscribed;

    /// <inheritdoc />
    public int ConnectedBinaries => Volatile.Read(ref _liveBinaries);

    /// <inheritdoc />
    public int ConnectedPhones => Volatile.Read(ref _phones);

    /// <summary>Phones on other nodes bound to a binary held here.</summary>
    public int RemotePhones => Volatile.Read(ref _remotePhones);

    /// <summary>
    /// Messages this node has published to other nodes' inboxes. With <see cref="Handled"/> it tells when a peer has
    /// caught up with everything sent to it before a point (the cross-node tests synchronise on it; no per-message cost
    /// beyond one interlocked add on the cluster path).
    /// </summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Messages from other nodes this node's inbox loop has finished handling (read in order, one at a time).</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Starts the upkeep loop (subscription, lease renewal, sweeps).</summary>
    public void Start() => _upkeep = Task.Run(UpkeepLoopAsync);

    /// <inheritdoc />
    public void BeginShutdown() => _shuttingDown = true;

    private static RedisKey SidKey(string serverId) => "pyry:sid:" + serverId;

    private static RedisKey PhonesKey(string serverId) => "pyry:sid:" + serverId + ":phones";

    private static RedisChannel Inbox(string node) => RedisChannel.Literal("pyry:inbox:" + node);

    private static string KeyText(ulong key) => key.ToString("x16", CultureInfo.InvariantCulture);

    private static string Ms(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private Task<RedisResult> EvalAsync(string script, RedisKey[] keys, RedisValue[] values) =>
        _redis.Database.ScriptEvaluateAsync(script, keys, values);

    /// <summary>Publishes <paramref name="message"/> to <paramref name="node"/>'s inbox without waiting (order is kept).</summary>
    public void Post(string node, ClusterMessage message)
    {
        var mux = _redis.Multiplexer;
        if (mux is null)
        {
            return;
        }

        Count(node, message.Type);
        _ = PublishAsync(mux, node, message);
    }

    private static async Task PublishAsync(ConnectionMultiplexer mux, string node, ClusterMessage message)
    {
        try
        {
            await mux.GetSubscriber().PublishAsync(Inbox(node), message.Encode());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // A lost message shows as a sequence gap (or the link loss) on the receiving side.
        }
    }

    /// <summary>Publishes and waits; false when Redis failed or nobody reads <paramref name="node"/>'s inbox.</summary>
    public async ValueTask<bool> SendToNodeAsync(string node, ClusterMessage message, Direction? direction)
    {
        var mux = _redis.Multiplexer;
        if (mux is null || !_redis.IsUp)
        {
            return false;
        }

        Count(node, message.Type);
        try
        {
            return await mux.GetSubscriber().PublishAsync(Inbox(node), message.Encode()) > 0;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Count(string node, ClusterMessageType type)
    {
        if (node != NodeId)
        {
            Interlocked.Increment(ref _published);
        }

        if (type is ClusterMessageType.ToBinary or ClusterMessageType.Notice)
        {
            _metrics.Message(Direction.PhoneToBinary);
        }
        else if (type == ClusterMessageType.ToPhone)
        {
            _metrics.Message(Direction.BinaryToPhone);
        }
    }

    /// <summary>Closes the phone 1011 <c>cluster link lost</c> (counted).</summary>
    private void LinkLost(PhonePeer phone)
    {
        _metrics.LinkLost();
        phone.CloseByRelay(WsCloseCodes.InternalError, LinkLostReason, PhoneRemoval.WriteFailed);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _upkeep;
        }
        catch (OperationCanceledException)
        {
        }

        if (_inbox is { } inbox)
        {
            try
            {
                await inbox.UnsubscribeAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
            }
        }

        try
        {
            await _inboxLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
        }

        _stop.Dispose();
    }
}
