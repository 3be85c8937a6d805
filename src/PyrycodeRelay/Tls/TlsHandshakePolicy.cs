using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace PyrycodeRelay.Tls;

/// <summary>
/// Per-handshake TLS options for Kestrel's <see cref="TlsHandshakeCallbackOptions"/> (docs/operations.md#sni-policy,
/// docs/operations.md#tls-parameters): the SNI must equal the domain (ASCII case-insensitive, trailing dot ignored), otherwise, or when
/// no certificate exists yet, the handshake fails. TLS 1.2 and 1.3, ALPN <c>http/1.1</c>, no client
/// certificates, the current certificate with its chain.
/// </summary>
internal sealed class TlsHandshakePolicy
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http11];
    private readonly string _domain;
    private readonly ICertificateSource _source;

    /// <summary>Creates the policy for <paramref name="domain"/> over <paramref name="source"/>.</summary>
    public TlsHandshakePolicy(string domain, ICertificateSource source, TimeSpan handshakeTimeout)
    {
        _domain = domain;
        _source = source;
        CallbackOptions = new TlsHandshakeCallbackOptions
        {
            OnConnection = OnConnection,
            HandshakeTimeout = handshakeTimeout,
        };
    }

    /// <summary>For <c>ListenOptions.UseHttps(TlsHandshakeCallbackOptions)</c>.</summary>
    public TlsHandshakeCallbackOptions CallbackOptions { get; }

    /// <summary>Chooses the server options for one handshake; throws to refuse it.</summary>
    public ValueTask<SslServerAuthenticationOptions> OnConnection(TlsHandshakeCallbackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(Select(context.ClientHelloInfo.ServerName));
    }

    /// <summary>The SNI decision; throws <see cref="AuthenticationException"/> to fail the handshake.</summary>
    public SslServerAuthenticationOptions Select(string? serverName)
    {
        if (!DomainName.SniMatches(serverName, _domain))
        {
            throw new AuthenticationException("relay: TLS server name does not match --domain");
        }

        var current = _source.Current ?? throw new AuthenticationException("relay: no certificate available yet");
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = current.Context,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = Alpn,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
        };
    }
}
