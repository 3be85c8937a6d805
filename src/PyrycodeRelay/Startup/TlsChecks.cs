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
    /// <c>--acme-ca-file</c>; or when <c>--proxy-protocol-trusted-cidrs</c> is set without <c>--https-proxy-protocol</c>.
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

        return null;
    }

    private static BootRefusal Refuse(string err, string fix) =>
        new(Message, 2, [F("err", err), F("fix", fix)], l => BootLog.InvalidTlsConfiguration(l, err, fix));
}
