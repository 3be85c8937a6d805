using System.Text;
using PyrycodeRelay.Configuration;
using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>
/// Boot steps 21i/21t (docs/operations.md#listener-addresses): parse the listener addresses of the mode and check, before
/// binding, that every port about to be bound is in the expected set built from the flags.
/// </summary>
internal static class ListenerChecks
{
    /// <summary>Message for a bad address.</summary>
    public const string InvalidAddressMessage = "refusing to start: invalid listener address";

    /// <summary>Message for a port outside the expected set.</summary>
    public const string UnexpectedListenerMessage = "refusing to start: unexpected listener";

    /// <summary>Step 21i/21t, part 1, for a validated boot plan.</summary>
    public static BootRefusal? ResolveListeners(BootPlan plan, out ListenerSet? listeners)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return ResolveListeners(plan.Options, plan.Mode, plan.Metrics, out listeners);
    }

    /// <summary>
    /// Step 21i/21t, part 1: parses <c>--insecure-listen</c> (insecure mode) or <c>--https-listen</c> then
    /// <c>--http-listen</c> (TLS mode) and builds the expected port set (plus the metrics port when
    /// <paramref name="metrics"/> is not null). A bad address gives <c>refusing to start: invalid listener address</c> (<c>err</c>, <c>addr</c>).
    /// </summary>
    public static BootRefusal? ResolveListeners(RelayOptions options, RelayMode mode, ListenEndpoint? metrics, out ListenerSet? listeners)
    {
        ArgumentNullException.ThrowIfNull(options);
        listeners = null;
        var ports = new SortedSet<int>();
        ListenEndpoint? insecure = null, https = null, http = null;
        if (mode == RelayMode.Insecure)
        {
            if (Parse(options.InsecureListen, out insecure) is { } refusal)
            {
                return refusal;
            }

            ports.Add(insecure!.Port);
        }
        else
        {
            if (Parse(options.HttpsListen, out https) is { } httpsRefusal)
            {
                return httpsRefusal;
            }

            if (Parse(options.HttpListen, out http) is { } httpRefusal)
            {
                return httpRefusal;
            }

            ports.Add(https!.Port);
            ports.Add(http!.Port);
        }

        if (metrics is not null)
        {
            ports.Add(metrics.Port);
        }

        listeners = new ListenerSet(insecure, https, http, metrics, [.. ports]);
        return null;
    }

    /// <summary>
    /// Step 21i/21t, part 2: refuses when any of <paramref name="bindPorts"/> is outside
    /// <paramref name="expectedPorts"/> (expected ports that are not bound are fine).
    /// </summary>
    public static BootRefusal? CheckPortAllowlist(IEnumerable<int> bindPorts, IEnumerable<int> expectedPorts)
    {
        ArgumentNullException.ThrowIfNull(bindPorts);
        ArgumentNullException.ThrowIfNull(expectedPorts);
        var expected = new SortedSet<int>(expectedPorts);
        var unexpected = new SortedSet<int>();
        foreach (var port in bindPorts)
        {
            if (!expected.Contains(port))
            {
                unexpected.Add(port);
            }
        }

        if (unexpected.Count == 0)
        {
            return null;
        }

        int[] u = [.. unexpected];
        int[] e = [.. expected];
        var err = "relay: process is about to bind a TCP port outside the expected set: unexpected ports " +
            FormatPorts(u) + "; expected ports " + FormatPorts(e);
        return new BootRefusal(UnexpectedListenerMessage, 2,
            [F("err", err), F("unexpected_ports", u), F("expected_ports", e)],
            l => BootLog.UnexpectedListener(l, err, u, e));
    }

    /// <summary>Formats ports as <c>[80 443]</c>.</summary>
    public static string FormatPorts(IEnumerable<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var sb = new StringBuilder("[");
        foreach (var p in ports)
        {
            if (sb.Length > 1)
            {
                sb.Append(' ');
            }

            sb.Append(ListenAddress.PortText(p));
        }

        return sb.Append(']').ToString();
    }

    private static BootRefusal? Parse(string addr, out ListenEndpoint? endpoint)
    {
        if (ListenAddress.TryParse(addr, out endpoint, out var error))
        {
            return null;
        }

        var err = error!;
        return new BootRefusal(InvalidAddressMessage, 2, [F("err", err), F("addr", addr)],
            l => BootLog.InvalidListenerAddress(l, err, addr));
    }
}
