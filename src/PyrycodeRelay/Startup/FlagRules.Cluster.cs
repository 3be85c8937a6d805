using PyrycodeRelay.Cluster;
using PyrycodeRelay.GoCompat;
using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>The cluster-mode flag rules (docs/operations.md#running-a-cluster), last in step 8.</summary>
internal static partial class FlagRules
{
    /// <summary>The smallest <c>--cluster-lease</c>.</summary>
    public static readonly TimeSpan MinClusterLease = TimeSpan.FromSeconds(3);

    /// <summary><c>--cluster-redis</c>, <c>--node-id</c>, <c>--cluster-lease</c>; checked whether or not cluster mode is on.</summary>
    public static BootRefusal? CheckClusterRules(Configuration.RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClusterRedis.Length > 0 && ClusterAddress.TryParse(options.ClusterRedis, out var error) is null)
        {
            // The value is not echoed: a URL may carry a password by mistake.
            const string Fix = "pass host:port, redis://host[:port][/db], rediss://host[:port][/db] or redis+sentinel://host[:port][,host[:port]]/MASTERNAME[/db]; put the password in PYRYCODE_RELAY_REDIS_PASSWORD";
            var err = error;
            return new BootRefusal(MessageFor("cluster-redis"), 2, [F("err", err), F("fix", Fix)],
                l => ClusterBootLog.InvalidClusterRedis(l, err, Fix));
        }

        if (options.NodeId.Length > 0 && !NodeIds.IsValid(options.NodeId))
        {
            var v = options.NodeId;
            var err = "relay: --node-id must be 1-64 characters of A-Z a-z 0-9 . _ -, got " + GoQuote.Quote(v);
            const string Fix = "pass a short id such as relay-1, or omit the flag for a random one";
            return Invalid("node-id", err, v, Fix, l => ClusterBootLog.InvalidNodeId(l, err, v, Fix));
        }

        if (options.ClusterLease < MinClusterLease)
        {
            var text = GoDuration.Format(options.ClusterLease);
            var err = "relay: --cluster-lease must be at least 3s, got " + text;
            const string Fix = "pass a duration of at least 3s such as 15s, or omit the flag for the default";
            return Invalid("cluster-lease", err, text, Fix, l => ClusterBootLog.InvalidClusterLease(l, err, text, Fix));
        }

        return null;
    }
}
