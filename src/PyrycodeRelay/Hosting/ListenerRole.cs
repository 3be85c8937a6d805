namespace PyrycodeRelay.Hosting;

/// <summary>Which listener a connection arrived on (a connection feature set by the listener).</summary>
public enum ListenerRole
{
    /// <summary>The relay listener (all routes).</summary>
    Relay,

    /// <summary>The metrics listener (<c>/metrics</c> only).</summary>
    Metrics,
}
