using System.Globalization;

namespace PyrycodeRelay.Cluster;

/// <summary>
/// A parsed <c>--cluster-redis</c> value (docs/operations.md#running-a-cluster): <c>host:port</c>,
/// <c>redis://host[:port][/db]</c>, <c>rediss://host[:port][/db]</c> (TLS) or
/// <c>redis+sentinel://host[:port][,host[:port]…]/MASTERNAME[/db]</c> (Redis Sentinel; partial file
/// <c>ClusterAddress.Sentinel.cs</c>). No credentials: the password comes from <c>PYRYCODE_RELAY_REDIS_PASSWORD</c> only.
/// </summary>
/// <param name="Host">Host name or IP literal (IPv6 without brackets); with Sentinel, the first sentinel.</param>
/// <param name="Port">TCP port (6379 when a URL names none; 26379 for a sentinel).</param>
/// <param name="Database">The database number (0 unless the URL names one).</param>
/// <param name="Tls">Whether the connection uses TLS (<c>rediss://</c>).</param>
/// <param name="ServiceName">The Sentinel master name, or null when the address names Redis itself.</param>
/// <param name="Sentinels">The sentinels' <c>host:port</c> endpoints (IPv6 in brackets), or null.</param>
internal sealed partial record ClusterAddress(string Host, int Port, int Database, bool Tls, string? ServiceName = null, IReadOnlyList<string>? Sentinels = null)
{
    /// <summary>The default Redis port.</summary>
    public const int DefaultPort = 6379;

    /// <summary><c>host:port</c> for the client (IPv6 in brackets).</summary>
    public string Endpoint => FormatEndpoint(Host, Port);

    /// <summary>What logs name: <see cref="Endpoint"/>, or <c>MASTERNAME@sentinel,sentinel…</c> with Sentinel.</summary>
    public string Display => ServiceName is null ? Endpoint : ServiceName + "@" + string.Join(',', Sentinels!);

    private static string FormatEndpoint(string host, int port) =>
        (host.Contains(':') ? "[" + host + "]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <paramref name="value"/>; returns null and a fixed error text (never echoing the value) when malformed.</summary>
    public static ClusterAddress? TryParse(string value, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        error = "";
        bool tls;
        string rest;
        if (IsSentinelScheme(value))
        {
            return TryParseSentinel(value, out error);
        }

        if (value.StartsWith("redis://", StringComparison.Ordinal))
        {
            tls = false;
            rest = value["redis://".Length..];
        }
        else if (value.StartsWith("rediss://", StringComparison.Ordinal))
        {
            tls = true;
            rest = value["rediss://".Length..];
        }
        else
        {
            if (value.Contains("://", StringComparison.Ordinal))
            {
                error = "relay: --cluster-redis scheme must be redis://, rediss:// or redis+sentinel://";
                return null;
            }

            if (!TrySplitHostPort(value, requirePort: true, out var h, out var p, out error))
            {
                return null;
            }

            return new ClusterAddress(h, p, 0, false);
        }

        if (!CheckUrlRest(rest, out error))
        {
            return null;
        }

        var database = 0;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var db = rest[(slash + 1)..];
            rest = rest[..slash];
            if (db.Length > 0 && !TryParseDigits(db, int.MaxValue, out database))
            {
                error = "relay: --cluster-redis database must be a non-negative integer";
                return null;
            }
        }

        if (!TrySplitHostPort(rest, requirePort: false, out var host, out var port, out error))
        {
            return null;
        }

        return new ClusterAddress(host, port, database, tls);
    }

    /// <summary>What follows a URL scheme carries no credentials (the password comes from its variable), query or fragment.</summary>
    private static bool CheckUrlRest(string rest, out string error)
    {
        if (rest.Contains('@', StringComparison.Ordinal))
        {
            error = "relay: --cluster-redis must not carry credentials; set PYRYCODE_RELAY_REDIS_PASSWORD";
            return false;
        }

        if (rest.AsSpan().IndexOfAny("?#") >= 0)
        {
            error = "relay: --cluster-redis URL must not have a query or fragment";
            return false;
        }

        error = "";
        return true;
    }

    private static bool TrySplitHostPort(string text, bool requirePort, out string host, out int port, out string error) =>
        TrySplitHostPort(text, requirePort, DefaultPort, out host, out port, out error);

    private static bool TrySplitHostPort(string text, bool requirePort, int defaultPort, out string host, out int port, out string error)
    {
        host = "";
        port = defaultPort;
        error = "";
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "relay: --cluster-redis has an unclosed [ in its host";
                return false;
            }

            host = text[1..close];
            var after = text[(close + 1)..];
            if (after.Length == 0)
            {
                portText = "";
            }
            else if (after[0] == ':')
            {
                portText = after[1..];
            }
            else
            {
                error = "relay: --cluster-redis has text after its host";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = "relay: --cluster-redis IPv6 hosts must be in brackets";
                return false;
            }

            host = colon >= 0 ? text[..colon] : text;
            portText = colon >= 0 ? text[(colon + 1)..] : "";
            if (colon >= 0 && portText.Length == 0)
            {
                error = "relay: --cluster-redis port must be 1-65535";
                return false;
            }
        }

        if (host.Length == 0 || host.AsSpan().IndexOfAny(" \t/\\@") >= 0)
        {
            error = "relay: --cluster-redis needs a host";
            return false;
        }

        if (portText.Length == 0)
        {
            if (requirePort)
            {
                error = "relay: --cluster-redis needs host:port or a redis:// URL";
                return false;
            }

            return true;
        }

        if (!TryParseDigits(portText, 65535, out port) || port == 0)
        {
            error = "relay: --cluster-redis port must be 1-65535";
            return false;
        }

        return true;
    }

    private static bool TryParseDigits(string text, int max, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 10)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max;
    }
}
