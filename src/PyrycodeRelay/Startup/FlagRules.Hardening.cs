using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Startup;

/// <summary>Step 8 rules of the issue 13 hardening flags (docs/operations.md#per-source-limits), after the others.</summary>
internal static partial class FlagRules
{
    private static BootRefusal? HardeningRules(RelayOptions options) =>
        Count("max-connections-per-source", options.MaxConnectionsPerSource, BootLog.InvalidMaxConnectionsPerSource)
        ?? TrustedProxyCidrs(options.TrustedProxyCidrs)
        ?? Count("max-pending-connections", options.MaxPendingConnections, BootLog.InvalidMaxPendingConnections)
        ?? Count("max-pending-connections-per-source", options.MaxPendingConnectionsPerSource, BootLog.InvalidMaxPendingConnectionsPerSource);

    private static BootRefusal? TrustedProxyCidrs(string value)
    {
        if (CidrList.TryParse(value, out _) is not { } err)
        {
            return null;
        }

        const string Fix = "pass comma-separated IPv4/IPv6 CIDRs of your proxies such as 10.0.0.0/8,fd00::/8, or omit the flag";
        return Invalid("trusted-proxy-cidrs", err, value, Fix, l => BootLog.InvalidTrustedProxyCidrs(l, err, value, Fix));
    }
}
