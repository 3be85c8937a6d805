using PyrycodeRelay.Configuration;
using static PyrycodeRelay.Startup.BootRefusal;

namespace PyrycodeRelay.Startup;

/// <summary>Boot steps 4–6: mode selection and the insecure-mode exclusions (only explicitly set flags count).</summary>
internal static class ModeChecks
{
    /// <summary>Message of step 4.</summary>
    public const string NoModeMessage = "either --domain (for autocert) or --insecure-listen (for behind-proxy mode) must be set";

    /// <summary>Message of step 5.</summary>
    public const string InsecureListenersMessage =
        "refusing to start: --insecure-listen is mutually exclusive with --http-listen / --https-listen / --https-proxy-protocol";

    /// <summary>Message of step 6.</summary>
    public const string InsecureTlsFlagsMessage =
        "refusing to start: --insecure-listen is mutually exclusive with TLS and PROXY-protocol flags";

    private const string InsecureListenersFix =
        "in insecure mode the proxy in front terminates TLS: drop --http-listen, --https-listen and --https-proxy-protocol, or use --domain instead of --insecure-listen";

    private const string InsecureTlsFlagsFix =
        "in insecure mode the proxy in front terminates TLS: drop the ACME, certificate and PROXY-protocol flags, or use --domain instead of --insecure-listen";

    private static readonly string[] InsecureExcludedListeners = ["http-listen", "https-listen", "https-proxy-protocol"];

    private static readonly string[] InsecureExcludedTlsFlags =
        ["acme-directory", "acme-email", "acme-ca-file", "tls-cert-file", "tls-key-file", "proxy-protocol-trusted-cidrs", "proxy-protocol-trust-all"];

    /// <summary>
    /// Step 4: insecure mode when <c>--insecure-listen</c> is non-empty (it wins over <c>--domain</c>), else
    /// TLS mode when <c>--domain</c> is non-empty (static files when <c>--tls-cert-file</c> is non-empty),
    /// else a refusal.
    /// </summary>
    public static BootRefusal? SelectMode(RelayOptions options, out RelayMode mode)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.InsecureListen.Length > 0)
        {
            mode = RelayMode.Insecure;
            return null;
        }

        if (options.Domain.Length > 0)
        {
            mode = options.TlsCertFile.Length > 0 ? RelayMode.TlsStatic : RelayMode.TlsAcme;
            return null;
        }

        mode = RelayMode.Insecure;
        return new BootRefusal(NoModeMessage, 2, [], BootLog.NoModeSelected);
    }

    /// <summary>Step 5: in insecure mode, <c>--http-listen</c>, <c>--https-listen</c> or <c>--https-proxy-protocol</c> explicitly set.</summary>
    public static BootRefusal? CheckInsecureListenerFlags(RelayMode mode, IReadOnlySet<string> explicitlySet)
    {
        ArgumentNullException.ThrowIfNull(explicitlySet);
        if (mode != RelayMode.Insecure || Offending(explicitlySet, InsecureExcludedListeners).Count == 0)
        {
            return null;
        }

        return new BootRefusal(InsecureListenersMessage, 2, [F("fix", InsecureListenersFix)],
            l => BootLog.InsecureExcludesTlsListeners(l, InsecureListenersFix));
    }

    /// <summary>Step 6: in insecure mode, any ACME, static-certificate or PROXY-source flag explicitly set.</summary>
    public static BootRefusal? CheckInsecureTlsFlags(RelayMode mode, IReadOnlySet<string> explicitlySet)
    {
        ArgumentNullException.ThrowIfNull(explicitlySet);
        if (mode != RelayMode.Insecure)
        {
            return null;
        }

        var offending = Offending(explicitlySet, InsecureExcludedTlsFlags);
        if (offending.Count == 0)
        {
            return null;
        }

        var err = "relay: --insecure-listen cannot be combined with --" + string.Join(", --", offending);
        return new BootRefusal(InsecureTlsFlagsMessage, 2, [F("err", err), F("fix", InsecureTlsFlagsFix)],
            l => BootLog.InsecureExcludesTlsFlags(l, err, InsecureTlsFlagsFix));
    }

    private static List<string> Offending(IReadOnlySet<string> explicitlySet, string[] names)
    {
        var list = new List<string>();
        foreach (var name in names)
        {
            if (explicitlySet.Contains(name))
            {
                list.Add(name);
            }
        }

        return list;
    }
}
