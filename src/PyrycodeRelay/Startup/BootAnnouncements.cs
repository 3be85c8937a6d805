namespace PyrycodeRelay.Startup;

/// <summary>The INFO lines of boot steps 20i/22t (<c>starting</c>) and 23 (<c>starting metrics listener</c>).</summary>
internal static class BootAnnouncements
{
    /// <summary>
    /// INFO <c>starting</c> in the shape of the mode: insecure (<c>version</c>, <c>mode</c>=<c>insecure</c>,
    /// <c>listen</c>); ACME (<c>version</c>, <c>mode</c>=<c>autocert</c>, <c>domain</c>, <c>cert_cache</c>,
    /// <c>https_proxy_protocol</c>); static files (<c>version</c>, <c>mode</c>=<c>static-cert</c>, <c>domain</c>,
    /// <c>https_proxy_protocol</c>).
    /// </summary>
    public static void LogStarting(BootPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var o = plan.Options;
        switch (plan.Mode)
        {
            case RelayMode.Insecure:
                BootLog.Starting(plan.Logger, plan.Version, BootLog.ModeInsecure, o.InsecureListen);
                break;
            case RelayMode.TlsAcme:
                BootLog.Acme.Starting(plan.Logger, plan.Version, BootLog.ModeAutocert, o.Domain, o.CertCache, o.HttpsProxyProtocol);
                break;
            default:
                BootLog.StaticCert.Starting(plan.Logger, plan.Version, BootLog.ModeStaticCert, o.Domain, o.HttpsProxyProtocol);
                break;
        }
    }

    /// <summary>INFO <c>starting metrics listener</c> (<c>listen</c>) when metrics are enabled; nothing otherwise.</summary>
    public static void LogStartingMetricsListener(BootPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Metrics is { } metrics)
        {
            BootLog.StartingMetricsListener(plan.Logger, metrics.Address);
            if (metrics.Ip is { } ip && !GoCompat.IpLiteral.IsLoopback(ip))
            {
                Hosting.OperatorLog.MetricsRemote(plan.Logger, metrics.Address); // only with --metrics-allow-remote
            }
        }
    }
}
