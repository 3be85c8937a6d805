using PyrycodeRelay.GoCompat;
using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Boot step 18: <c>--metrics-listen</c> (docs/operations.md#metrics-listener). Empty disables the listener; otherwise
/// <c>host:port</c> with a loopback IP <b>literal</b> (127.0.0.0/8 or <c>::1</c>) — hostnames, including
/// <c>localhost</c>, and the empty host are rejected.
/// </summary>
internal static class MetricsListenCheck
{
    /// <summary>The refusal message.</summary>
    public const string Message = "refusing to start: invalid --metrics-listen address";

    private const string Fix =
        "pass a loopback IP literal with a port such as 127.0.0.1:9090 or [::1]:9090, or --metrics-listen= to disable metrics";

    /// <summary>Pure validation; on success <paramref name="endpoint"/> is null when metrics are disabled.</summary>
    public static bool TryParse(string value, out ListenEndpoint? endpoint, out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        endpoint = null;
        error = null;
        if (value.Length == 0)
        {
            return true;
        }

        var quoted = GoQuote.Quote(value);
        if (ListenAddress.TrySplit(value, out var host, out var bracketed, out var port) is { } detail)
        {
            error = $"relay: parsing metrics listener address {quoted}: {detail}";
            return false;
        }

        if (!IpLiteral.TryParse(host, out var ip) || bracketed != host.Contains(':', StringComparison.Ordinal))
        {
            error = $"relay: metrics listener bind address must be a loopback IP literal: {quoted} has a non-IP-literal host " +
                "(hostnames are rejected to avoid DNS-time TOCTOU; provide a loopback IP literal such as 127.0.0.1 or [::1])";
            return false;
        }

        if (!IpLiteral.IsLoopback(ip))
        {
            error = $"relay: metrics listener bind address must be a loopback IP literal: {quoted} resolves to non-loopback IP {IpLiteral.Format(ip)}";
            return false;
        }

        endpoint = new ListenEndpoint(value, ListenHostKind.IpLiteral, ip, port);
        return true;
    }

    /// <summary>Step 18 as a refusal (<c>err</c>, <c>value</c>, <c>fix</c>), or null with the endpoint (null = disabled).</summary>
    public static BootRefusal? Check(string value, out ListenEndpoint? endpoint)
    {
        if (TryParse(value, out endpoint, out var error))
        {
            return null;
        }

        var err = error!;
        return new BootRefusal(Message, 2, [F("err", err), F("value", value), F("fix", Fix)],
            l => BootLog.InvalidMetricsListen(l, err, value, Fix));
    }
}
