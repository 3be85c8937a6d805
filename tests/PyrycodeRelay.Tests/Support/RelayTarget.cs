using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tests.Support;

/// <summary>
/// Where and how a client reaches a relay (in-process or a process): always TCP to 127.0.0.1:<see cref="Port"/>,
/// from <see cref="LocalIp"/> (another loopback address plays another client IP), and, with <see cref="Root"/>,
/// over TLS with SNI and Host <see cref="Host"/>, trusting only that root. <see cref="Prefix"/> (a PROXY protocol
/// header) is written first on every connection.
/// </summary>
internal sealed record RelayTarget(int Port, string Host = "127.0.0.1", X509Certificate2? Root = null, IPAddress? LocalIp = null,
    byte[]? Prefix = null)
{
    /// <summary>How long connecting (and a TLS handshake) may take when the caller gives no token.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Whether connections use TLS.</summary>
    public bool Tls => Root is not null;

    /// <summary>The URI a client uses (the name is resolved by <see cref="ConnectAsync"/>, never by DNS).</summary>
    public Uri Uri(string path) => new($"{(Tls ? "wss" : "ws")}://{Host}:{Port}{path}");

    /// <summary>The same target from another local (loopback) address.</summary>
    public RelayTarget From(string localIp) => this with { LocalIp = IPAddress.Parse(localIp) };

    /// <summary>The same target behind a PROXY protocol header.</summary>
    public RelayTarget Behind(byte[] proxyHeader) => this with { Prefix = proxyHeader };

    /// <summary>
    /// A TCP connection to the relay from <see cref="LocalIp"/>, after <see cref="Prefix"/> was written. A
    /// <paramref name="receiveBuffer"/> (SO_RCVBUF before connecting, which also turns off autotuning) bounds what
    /// a peer that does not read can be sent. Without a cancellable token it fails after <see cref="ConnectTimeout"/>.
    /// </summary>
    public Task<Socket> ConnectAsync(CancellationToken ct = default) => ConnectAsync(null, ct);

    /// <inheritdoc cref="ConnectAsync(CancellationToken)"/>
    public async Task<Socket> ConnectAsync(int? receiveBuffer, CancellationToken ct)
    {
        using var timeout = ct.CanBeCanceled ? null : new CancellationTokenSource(ConnectTimeout);
        ct = timeout?.Token ?? ct;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBuffer is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            if (LocalIp is not null)
            {
                socket.Bind(new IPEndPoint(LocalIp, 0));
            }

            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), ct);
            if (Prefix is not null)
            {
                await socket.SendAsync(Prefix, SocketFlags.None, ct);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A stream to the relay: plain, or TLS after a handshake with SNI <see cref="Host"/>.</summary>
    public async Task<Stream> OpenStreamAsync(CancellationToken ct = default)
    {
        using var timeout = ct.CanBeCanceled ? null : new CancellationTokenSource(ConnectTimeout);
        ct = timeout?.Token ?? ct;
        var socket = await ConnectAsync(ct);
        try
        {
            return await StreamOverAsync(socket, ownsSocket: true, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The stream over a connected <paramref name="socket"/>: plain, or TLS after a handshake with SNI <see cref="Host"/>.</summary>
    public async Task<Stream> StreamOverAsync(Socket socket, bool ownsSocket, CancellationToken ct)
    {
        var network = new NetworkStream(socket, ownsSocket);
        if (!Tls)
        {
            return network;
        }

        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(SslOptions(), ct);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    /// <summary>TLS client options: SNI <see cref="Host"/>, ALPN http/1.1, chain and name checked against <see cref="Root"/>.</summary>
    public SslClientAuthenticationOptions SslOptions() => new()
    {
        TargetHost = Host,
        ApplicationProtocols = [SslApplicationProtocol.Http11],
        RemoteCertificateValidationCallback = TlsClients.TrustOnly(Root!, checkName: true),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>An HTTP handler that dials this target for any URI (for HttpClient and ClientWebSocket).</summary>
    public SocketsHttpHandler Handler(int? receiveBuffer = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) => new NetworkStream(await ConnectAsync(receiveBuffer, ct), ownsSocket: true),
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        if (Tls)
        {
            handler.SslOptions = SslOptions();
        }

        return handler;
    }
}
