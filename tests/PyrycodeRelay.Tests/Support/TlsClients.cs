using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// TLS client helpers: trust only a given root, handshakes with a chosen SNI/protocol/ALPN, raw HTTP over TLS (also
/// over a socket a PROXY header was already written to, or with the header in the ClientHello's write), and an
/// HttpClient trusting a given root. (For plain or TLS exchanges with a relay, <see cref="RawHttp"/> on a
/// <see cref="RelayTarget"/> is shorter.)
/// </summary>
internal static class TlsClients
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Validates the server chain against <paramref name="root"/> only (name checked by SslStream).</summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 root, bool checkName = true,
        Action<X509Certificate2>? seen = null) => (_, cert, chain, errors) =>
    {
        if (cert is not null)
        {
            seen?.Invoke(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
        }

        if (cert is null || (checkName && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0))
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(root);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.DisableCertificateDownloads = true;
        if (chain is not null)
        {
            // Only what the server sent: the leaf's chain elements beyond what the server presented are not used.
            foreach (var e in chain.ChainPolicy.ExtraStore)
            {
                custom.ChainPolicy.ExtraStore.Add(e);
            }
        }

        return custom.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
    };

    /// <summary>
    /// Connects and handshakes; throws when the handshake fails. The chain must lead to <paramref name="root"/>;
    /// the name is not checked here (tests assert it), and <paramref name="seen"/> gets the presented leaf.
    /// </summary>
    public static async Task<SslStream> HandshakeAsync(int port, string? sni, X509Certificate2 root,
        SslProtocols protocols = SslProtocols.None, List<SslApplicationProtocol>? alpn = null,
        Action<X509Certificate2>? seen = null)
    {
        var tcp = new TcpClient();
        using var cts = new CancellationTokenSource(Timeout);
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = sni ?? "",
                EnabledSslProtocols = protocols,
                ApplicationProtocols = alpn,
                RemoteCertificateValidationCallback = TrustOnly(root, checkName: false, seen),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cts.Token);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends raw request text over TLS and reads the whole response (the request should close).</summary>
    public static async Task<string> RawRequestAsync(int port, string sni, X509Certificate2 root, string request)
    {
        await using var ssl = await HandshakeAsync(port, sni, root);
        return await RawHttp.ExchangeTextAsync(ssl, request);
    }

    /// <summary>An HttpClient that dials 127.0.0.1:<paramref name="port"/> for any host and trusts only <paramref name="root"/>.</summary>
    public static HttpClient HttpClientFor(int port, X509Certificate2 root, Action<X509Certificate2>? onServerCert = null)
    {
        var validate = TrustOnly(root, checkName: true, onServerCert);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Loopback, port, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = validate,
            },
        };
        return new HttpClient(handler) { Timeout = Timeout };
    }

    /// <summary>
    /// TLS over an open <paramref name="socket"/> trusting only <paramref name="trusted"/> (SNI and Host
    /// <c>relay.test</c>), with <paramref name="prefix"/> sent in the same write as the ClientHello (so the server
    /// receives header and TLS bytes together); then <c>GET path</c> with <c>Connection: close</c>; returns the whole
    /// response text.
    /// </summary>
    public static async Task<string> GetAsync(Socket socket, byte[]? prefix, string path, X509Certificate2 trusted, CancellationToken cancellationToken)
    {
        using var network = new NetworkStream(socket, ownsSocket: false);
        using var counting = new CountingStream(network, prefix);
        using var ssl = new SslStream(counting, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsClientAsync(RelayTestOptions(trusted), cancellationToken);
        return await RawHttp.ExchangeTextAsync(ssl, RawHttp.Get(path, "relay.test", "Connection: close"), untilClosed: true, cancellationToken);
    }

    /// <summary>Attempts a TLS handshake as <see cref="GetAsync(Socket, byte[], string, X509Certificate2, CancellationToken)"/> does; returns the bytes received from the server and the failure.</summary>
    public static async Task<(long BytesReceived, Exception? Error)> TryHandshakeAsync(Socket socket, byte[]? prefix, X509Certificate2 trusted,
        CancellationToken cancellationToken)
    {
        using var network = new NetworkStream(socket, ownsSocket: false);
        using var counting = new CountingStream(network, prefix);
        using var ssl = new SslStream(counting, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsClientAsync(RelayTestOptions(trusted), cancellationToken);
            return (counting.BytesRead, null);
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return (counting.BytesRead, e);
        }
    }

    private static SslClientAuthenticationOptions RelayTestOptions(X509Certificate2 trusted) => new()
    {
        TargetHost = "relay.test",
        ApplicationProtocols = [SslApplicationProtocol.Http11],
        RemoteCertificateValidationCallback = TrustOnly(trusted, checkName: true),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };
}
