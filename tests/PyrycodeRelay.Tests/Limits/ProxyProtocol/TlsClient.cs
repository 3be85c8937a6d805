using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PyrycodeRelay.Tests.Limits.ProxyProtocol;

/// <summary>A TLS + HTTP/1.1 client over a raw socket, optionally preceded by PROXY header bytes.</summary>
internal static class TlsClient
{
    /// <summary>
    /// Sends <paramref name="prefix"/> in the same write as the TLS ClientHello (so the server receives header
    /// and TLS bytes together), completes TLS, sends <c>GET path</c> with <c>Connection: close</c> and returns
    /// the whole response text.
    /// </summary>
    public static async Task<string> GetAsync(Socket socket, byte[]? prefix, string path, CancellationToken cancellationToken)
    {
        using var network = new NetworkStream(socket, ownsSocket: false);
        using var counting = new CountingStream(network, prefix);
        using var ssl = new SslStream(counting, leaveInnerStreamOpen: true, ValidateServer);
        await ssl.AuthenticateAsClientAsync(Options, cancellationToken);
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: relay.test\r\nConnection: close\r\n\r\n");
        await ssl.WriteAsync(request, cancellationToken);
        using var reader = new StreamReader(ssl, Encoding.ASCII);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Attempts a TLS handshake; returns the bytes received from the server (expected: none).</summary>
    public static async Task<(long BytesReceived, Exception? Error)> TryHandshakeAsync(Socket socket, byte[]? prefix,
        CancellationToken cancellationToken)
    {
        using var network = new NetworkStream(socket, ownsSocket: false);
        using var counting = new CountingStream(network, prefix);
        using var ssl = new SslStream(counting, leaveInnerStreamOpen: true, ValidateServer);
        try
        {
            await ssl.AuthenticateAsClientAsync(Options, cancellationToken);
            return (counting.BytesRead, null);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return (counting.BytesRead, e);
        }
    }

    private static SslClientAuthenticationOptions Options => new()
    {
        TargetHost = "relay.test",
        ApplicationProtocols = [SslApplicationProtocol.Http11],
    };

    private static bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == TestCertificate.Server.GetCertHashString();
}
