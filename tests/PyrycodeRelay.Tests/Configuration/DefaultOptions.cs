using PyrycodeRelay.Configuration;
using PyrycodeRelay.Limits.ProxyProtocol;
using PyrycodeRelay.Push;
using PyrycodeRelay.Tls;
using PyrycodeRelay.Tls.Acme;
using PyrycodeRelay.WebSockets;

namespace PyrycodeRelay.Tests.Configuration;

/// <summary>
/// The feature option records as the relay builds them from a default <see cref="RelayOptions"/> (the one place
/// each default exists). A test changes what it needs with <c>with { … }</c>.
/// </summary>
internal static class DefaultOptions
{
    /// <summary>Framing limits on the system clock.</summary>
    public static WsConnectionOptions WebSocket => WsConnectionOptions.From(new RelayOptions(), TimeProvider.System);

    /// <summary>PROXY protocol settings (any source) on the system clock.</summary>
    public static ProxyProtocolOptions Proxy => ProxyProtocolOptions.From(new RelayOptions(), TimeProvider.System);

    /// <summary>TLS policy durations.</summary>
    public static TlsSettings Tls => TlsSettings.From(new RelayOptions());

    /// <summary>ACME client tunables.</summary>
    public static AcmeClientOptions Acme => AcmeClientOptions.From(new RelayOptions());

    /// <summary>Push sender settings.</summary>
    public static PushOptions Push => PushOptions.From(new RelayOptions());
}
