using System.Net;

namespace PyrycodeRelay.Hosting;

/// <summary>A TCP listener address: all interfaces, <c>localhost</c>, or an IP literal, and a port.</summary>
public sealed record ListenEndpoint(ListenHost Host, IPAddress? Address, int Port)
{
    /// <summary>An IP literal endpoint.</summary>
    public static ListenEndpoint Ip(IPAddress address, int port) => new(ListenHost.Address, address, port);

    /// <summary>Renders as <c>host:port</c>.</summary>
    public override string ToString() => Host switch
    {
        ListenHost.Any => ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ListenHost.Localhost => "localhost:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => new IPEndPoint(Address!, Port).ToString(),
    };
}

/// <summary>The host part of a <see cref="ListenEndpoint"/>.</summary>
public enum ListenHost
{
    /// <summary>All interfaces, IPv4 and IPv6 (empty host).</summary>
    Any,

    /// <summary><c>localhost</c>.</summary>
    Localhost,

    /// <summary>An IP literal.</summary>
    Address,
}
