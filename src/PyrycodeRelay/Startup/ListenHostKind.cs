namespace PyrycodeRelay.Startup;

/// <summary>The host part of a listener address (docs/operations.md#listener-addresses).</summary>
internal enum ListenHostKind
{
    /// <summary>Empty host: all interfaces, IPv4 and IPv6.</summary>
    AllInterfaces,

    /// <summary>An IPv4 literal or a bracketed IPv6 literal (<see cref="ListenEndpoint.Ip"/>).</summary>
    IpLiteral,

    /// <summary><c>localhost</c>.</summary>
    Localhost,
}
