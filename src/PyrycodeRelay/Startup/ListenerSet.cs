namespace PyrycodeRelay.Startup;

/// <summary>The listeners derived from the flags (boot steps 21i/21t) and the port allowlist built from them.</summary>
internal sealed class ListenerSet
{
    internal ListenerSet(ListenEndpoint? insecure, ListenEndpoint? https, ListenEndpoint? http, ListenEndpoint? metrics, int[] expectedPorts)
    {
        Insecure = insecure;
        Https = https;
        Http = http;
        Metrics = metrics;
        ExpectedPorts = expectedPorts;
    }

    /// <summary>Insecure mode: the plain-HTTP listener (<c>--insecure-listen</c>).</summary>
    public ListenEndpoint? Insecure { get; }

    /// <summary>TLS mode: the TLS listener (<c>--https-listen</c>).</summary>
    public ListenEndpoint? Https { get; }

    /// <summary>TLS mode: the ACME/404 HTTP listener (<c>--http-listen</c>).</summary>
    public ListenEndpoint? Http { get; }

    /// <summary>The metrics listener, or null when disabled.</summary>
    public ListenEndpoint? Metrics { get; }

    /// <summary>The expected port set, ascending and distinct.</summary>
    public IReadOnlyList<int> ExpectedPorts { get; }
}
