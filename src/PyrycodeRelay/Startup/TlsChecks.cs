using PyrycodeRelay.Configuration;
using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>Boot step 9: TLS flag combinations (docs/operations.md#flag-value-rules), TLS mode only.</summary>
internal static class TlsChecks
{
    /// <summary>The refusal message.</summary>
    public const string Message = "refusing to start: invalid TLS configuration";

    private static readonly string[] AcmeFlags = ["acme-directory", "acme-email", "acme-ca-file"];

    /// <summary>
    /// Refuses when exactly one of <c>--tls-cert-file</c>/<c>--tls-key-file</c> is non-empty; when
    /// <c>--tls-cert-file</c> is given with an explicitly set <c>--acme-directory</c>, <c>--acme-email</c> or
    /// <c>--acme-ca-file</c>; when <c>--proxy-protocol-trusted-cidrs</c> is set without <c>--https-proxy-protocol</c>; or
    /// when <c>--https-proxy-protocol</c> names no trusted CIDRs without <c>--proxy-protocol-trust-all</c>.
    /// </summary>
    public static BootRefusal? Check(RelayMode mode, RelayOptions options, IReadOnlySet<string> explicitlySet)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(explicitlySet);
        if (mode == RelayMode.Insecure)
        {
            return null;
        }

        var hasCert = options.TlsCertFile.Length > 0;
        var hasKey = options.TlsKeyFile.Length > 0;
        if (hasCert != hasKey)
        {
            return Refuse(
                "relay: --tls-cert-file and --tls-key-file must be set together",
                "pass both --tls-cert-file and --tls-key-file for static certificates, or neither for ACME");
        }

        if (hasCert)
        {
            var acme = new List<string>();
            foreach (var name in AcmeFlags)
            {
                if (explicitlySet.Contains(name))
                {
                    acme.Add(name);
                }
            }

            if (acme.Count > 0)
            {
                return Refuse(
                    "relay: --tls-cert-file cannot be combined with --" + string.Join(", --", acme),
                    "static certificate files do not use ACME: drop the --acme-* flags, or drop --tls-cert-file/--tls-key-file");
            }
        }

        if ((options.ProxyProtocolTrustedCidrs.Length > 0 || explicitlySet.Contains("proxy-protocol-trusted-cidrs"))
            && !options.HttpsProxyProtocol)
        {
            return Refuse(
                "relay: --proxy-protocol-trusted-cidrs requires --https-proxy-protocol",
                "add --https-proxy-protocol, or drop --proxy-protocol-trusted-cidrs");
        }

        return ProxyTrust(options);
    }

    /// <summary>
    /// Issue 13 finding 8 (docs/operations.md#proxy-protocol-trust): PROXY mode must name the peers allowed to send
    /// PROXY headers, or say explicitly that every peer is trusted; otherwise any client can claim any address.
    /// </summary>
    private static BootRefusal? ProxyTrust(RelayOptions options)
    {
        var hasCidrs = options.ProxyProtocolTrustedCidrs.Trim().Length > 0;
        if (options.ProxyProtocolTrustAll && !options.HttpsProxyProtocol)
        {
            return Refuse(
                "relay: --proxy-protocol-trust-all requires --https-proxy-protocol",
                "add --https-proxy-protocol, or drop --proxy-protocol-trust-all");
        }

        if (options.ProxyProtocolTrustAll && hasCidrs)
        {
            return Refuse(
                "relay: --proxy-protocol-trust-all cannot be combined with --proxy-protocol-trusted-cidrs",
                "keep --proxy-protocol-trusted-cidrs (recommended) and drop --proxy-protocol-trust-all");
        }

        if (options.HttpsProxyProtocol && !hasCidrs && !options.ProxyProtocolTrustAll)
        {
            return Refuse(
                "relay: --https-proxy-protocol without --proxy-protocol-trusted-cidrs would accept PROXY headers from any peer",
                "pass --proxy-protocol-trusted-cidrs with your load balancer's addresses (e.g. 10.0.0.0/8), or --proxy-protocol-trust-all if only the load balancer can reach the port");
        }

        return null;
    }

    private static BootRefusal Refuse(string err, string fix) =>
        new(Message, 2, [F("err", err), F("fix", fix)], l => BootLog.InvalidTlsConfiguration(l, err, fix));
}
