namespace PyrycodeRelay.Cluster;

/// <summary>
/// The Sentinel form of <c>--cluster-redis</c> (docs/operations.md#redis-sentinel):
/// <c>redis+sentinel://host[:port][,host[:port]…]/MASTERNAME[/db]</c>. <c>rediss+sentinel://</c> is refused.
/// </summary>
internal sealed partial record ClusterAddress
{
    /// <summary>The default Sentinel port.</summary>
    public const int DefaultSentinelPort = 26379;

    /// <summary>At most this many sentinels in one address.</summary>
    public const int MaxSentinels = 16;

    private const string SentinelScheme = "redis+sentinel://";
    private const string TlsSentinelScheme = "rediss+sentinel://";

    private static bool IsSentinelScheme(string value) =>
        value.StartsWith(SentinelScheme, StringComparison.Ordinal) || value.StartsWith(TlsSentinelScheme, StringComparison.Ordinal);

    private static ClusterAddress? TryParseSentinel(string value, out string error)
    {
        error = "";
        if (value.StartsWith(TlsSentinelScheme, StringComparison.Ordinal))
        {
            error = "relay: --cluster-redis rediss+sentinel:// (TLS through Sentinel) is not supported; use redis+sentinel:// on a private network, or rediss:// to one Redis";
            return null;
        }

        var rest = value[SentinelScheme.Length..];
        if (!CheckUrlRest(rest, out error))
        {
            return null;
        }

        // hosts "/" MASTERNAME [ "/" [db] ]
        var parts = rest.Split('/');
        if (parts.Length < 2 || parts[1].Length == 0)
        {
            error = "relay: --cluster-redis redis+sentinel:// needs a master name: redis+sentinel://host:port/MASTERNAME";
            return null;
        }

        if (parts.Length > 3)
        {
            error = "relay: --cluster-redis redis+sentinel:// has text after its database";
            return null;
        }

        var serviceName = parts[1];
        if (!IsMasterName(serviceName))
        {
            error = "relay: --cluster-redis master name must be 1-64 characters of A-Z a-z 0-9 . _ -";
            return null;
        }

        var database = 0;
        if (parts.Length == 3 && parts[2].Length > 0 && !TryParseDigits(parts[2], int.MaxValue, out database))
        {
            error = "relay: --cluster-redis database must be a non-negative integer";
            return null;
        }

        var hosts = parts[0].Split(',');
        if (hosts.Length > MaxSentinels)
        {
            error = "relay: --cluster-redis names more than 16 sentinels";
            return null;
        }

        var sentinels = new List<string>(hosts.Length);
        var (firstHost, firstPort) = ("", 0);
        foreach (var h in hosts)
        {
            if (!TrySplitHostPort(h, requirePort: false, DefaultSentinelPort, out var host, out var port, out error))
            {
                return null;
            }

            if (sentinels.Count == 0)
            {
                (firstHost, firstPort) = (host, port);
            }

            sentinels.Add(FormatEndpoint(host, port));
        }

        return new ClusterAddress(firstHost, firstPort, database, false, serviceName, sentinels.AsReadOnly());
    }

    private static bool IsMasterName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
