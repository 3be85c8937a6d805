namespace PyrycodeRelay.Forwarding;

/// <summary>Upgrade endpoint (label <c>endpoint</c>); aliases count as their endpoint.</summary>
internal enum RelayEndpoint
{
    /// <summary><c>server</c>: <c>/v1/server</c>, <c>/v2/server</c>.</summary>
    Server,

    /// <summary><c>client</c>: <c>/v1/client</c>, <c>/v2/client</c>.</summary>
    Client,
}
