namespace PyrycodeRelay.Hosting;

/// <summary>Which listener a connection arrived on (a connection feature set by the listener).</summary>
internal enum ListenerRole
{
    /// <summary>The relay listener (all routes; behind the Host gate in TLS mode).</summary>
    Relay,

    /// <summary>The metrics listener (<c>/metrics</c> only).</summary>
    Metrics,

    /// <summary>TLS mode's <c>--http-listen</c> listener (ACME challenges, else 404).</summary>
    Challenge,
}
